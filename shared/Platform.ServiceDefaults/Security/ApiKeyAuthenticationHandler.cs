using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Errors;

namespace Platform.ServiceDefaults.Security;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c> (what OpenAI clients send) or <c>X-Api-Key</c>.
/// The admin key comes from configuration; account keys are resolved through <see cref="IApiKeyResolver"/>.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IApiKeyResolver resolver,
    AuthOptions authOptions,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string UnavailableItem = "platform.auth.unavailable";

    private readonly string? _adminKeyHash = string.IsNullOrEmpty(authOptions.AdminKey) ? null : ApiKeys.Hash(authOptions.AdminKey);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = ReadKey(Request);
        if (key is null)
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiKeys.Hash(key);
        if (_adminKeyHash is not null && ApiKeys.HashesEqual(hash, _adminKeyHash))
        {
            return Success([new Claim(ClaimTypes.Role, PlatformClaims.AdminRole), new Claim(PlatformClaims.KeyId, "admin")]);
        }

        ApiKeyIdentity? identity;
        try
        {
            identity = await resolver.ResolveAsync(hash, Context.RequestAborted);
        }
        catch (Exception exception) when (!Context.RequestAborted.IsCancellationRequested)
        {
            // Billing could not answer: this is an outage, not a bad key, and the client should retry.
            Logger.LogWarning(exception, "API key could not be resolved");
            Context.Items[UnavailableItem] = true;
            return AuthenticateResult.Fail("The key could not be checked now.");
        }

        return identity is null
            ? AuthenticateResult.Fail("Unknown or revoked API key.")
            : Success([new Claim(PlatformClaims.AccountId, identity.AccountId.ToString()), new Claim(PlatformClaims.KeyId, identity.KeyId)]);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items.ContainsKey(UnavailableItem))
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = "1";
            await WriteProblemAsync(ProblemTypes.DependencyUnavailable, "The API key could not be checked.",
                "Billing did not answer in time; retry shortly.");
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var presented = ReadKey(Request) is not null;
        await WriteProblemAsync(ProblemTypes.Unauthorized, "An API key is required.",
            presented ? "The API key is unknown or revoked." : "Send the key as 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(ProblemTypes.Forbidden, "This key may not call this endpoint.",
            Context.User.IsAdmin() ? "The admin key manages accounts; use an account's key for data endpoints." : "This endpoint needs the admin key.");
    }

    private AuthenticateResult Success(Claim[] claims)
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    private Task WriteProblemAsync(string type, string title, string detail) =>
        problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Type = type, Title = title, Detail = detail, Status = Response.StatusCode },
        }).AsTask();

    private static string? ReadKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = authorization["Bearer ".Length..].Trim();
            return key.Length == 0 ? null : key;
        }

        var header = request.Headers["X-Api-Key"].ToString().Trim();
        return header.Length == 0 ? null : header;
    }
}
