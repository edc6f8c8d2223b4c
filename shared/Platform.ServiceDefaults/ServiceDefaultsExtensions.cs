using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Platform.ServiceDefaults.Errors;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Security;
using Platform.ServiceDefaults.Telemetry;

namespace Platform.ServiceDefaults;

/// <summary>
/// What every service host has: telemetry, health, problem details, API-key authentication,
/// JSON conventions, request limits and its OpenAPI document.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Adds the defaults for a host named <paramref name="serviceName"/>. A single-service host also
    /// gets its OpenAPI document (<c>/openapi/v1.json</c>) and, unless URLs are configured, its default port.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string serviceName, bool singleService = true)
    {
        var configuration = builder.Configuration;

        if (singleService && PlatformServices.DefaultPorts.TryGetValue(serviceName, out var port) &&
            string.IsNullOrEmpty(configuration[WebHostDefaults.ServerUrlsKey]) &&
            string.IsNullOrEmpty(configuration["ASPNETCORE_HTTP_PORTS"]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        builder.AddPlatformTelemetry(serviceName);

        var http = configuration.GetSection(HttpOptions.SectionName).Get<HttpOptions>() ?? new HttpOptions();
        builder.Services.AddSingleton(http);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = http.MaxRequestBodyBytes);

        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            json.SerializerOptions.MaxDepth = 32;
            // The web default reads "12" and "NaN" as numbers; a number must be a JSON number.
            json.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        // Binding failures (malformed JSON, wrong types) throw, so the exception handler can name the field.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (problem.Type is null || problem.Type.StartsWith("https://tools.ietf.org/", StringComparison.Ordinal))
            {
                problem.Type = ProblemTypes.ForStatus(status);
            }

            problem.Instance ??= context.HttpContext.Request.Path;
            problem.Extensions["traceId"] = Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        builder.Services.AddExceptionHandler<PlatformExceptionHandler>();

        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        builder.Services.AddSingleton(auth);
        builder.Services.AddMemoryCache();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddScoped<BusApiKeyResolver>();
        // Billing replaces this with a resolver over its own store; everyone else asks Billing.
        builder.Services.TryAddScoped<IApiKeyResolver>(provider => new CachingApiKeyResolver(
            provider.GetRequiredService<BusApiKeyResolver>(),
            provider.GetRequiredService<Microsoft.Extensions.Caching.Memory.IMemoryCache>(),
            auth));
        builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(PlatformPolicies.Admin, policy => policy.RequireRole(PlatformClaims.AdminRole))
            .AddPolicy(PlatformPolicies.Account, policy => policy.RequireClaim(PlatformClaims.AccountId))
            .AddPolicy(PlatformPolicies.AccountOrAdmin, policy => policy.RequireAssertion(context =>
                context.User.IsAdmin() || context.User.HasClaim(c => c.Type == PlatformClaims.AccountId)));

        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), tags: ["live"]);

        if (singleService)
        {
            builder.Services.AddOpenApi("v1", options => options.ShouldInclude = _ => true);
        }

        return builder;
    }

    /// <summary>Error handling and authentication, in the order they must run.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        // Bare status codes (unknown route, wrong method) also answer with problem details.
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// <c>/health/live</c> (the process answers), <c>/health/ready</c> (its database and bus answer),
    /// and, for a single-service host, <c>/openapi/v1.json</c>. All open without a key.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool singleService = true)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains("live") })
            .AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = HealthReportWriter.WriteAsync,
        }).AllowAnonymous();

        if (singleService)
        {
            app.MapOpenApi().AllowAnonymous();
        }

        return app;
    }
}
