using System.Net.Http.Headers;
using System.Text;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Errors;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Foundation.Tests;

/// <summary>Bad requests to a real endpoint (Billing's accounts, in its own process) get RFC 9457 problems.</summary>
[Collection(DistributedCollection.Name)]
public sealed class ProblemDetailsTests(DistributedPlatform platform)
{
    private HttpClient Billing => platform[PlatformServices.Billing].Client;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Malformed_json_is_a_400_that_names_the_field()
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        request.Content = new StringContent("""{"name": """, Encoding.UTF8, "application/json");
        using var response = await Billing.SendAsync(request, Cancel);

        var problem = await ReadProblemAsync(response, 400, ProblemTypes.MalformedRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.ToString());
    }

    [Fact]
    public async Task Wrong_json_type_is_a_400_that_names_the_field()
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        request.Content = new StringContent("""{"name": 42}""", Encoding.UTF8, "application/json");
        using var response = await Billing.SendAsync(request, Cancel);

        var problem = await ReadProblemAsync(response, 400, ProblemTypes.MalformedRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.ToString());
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"name": ""}""")]
    [InlineData("""{"name": "   "}""")]
    public async Task Missing_or_blank_name_is_a_validation_problem(string body)
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await Billing.SendAsync(request, Cancel);

        var problem = await ReadProblemAsync(response, 400, ProblemTypes.Validation);
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _), problem.ToString());
    }

    [Fact]
    public async Task Empty_body_is_a_400()
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        request.Content = new StringContent("", Encoding.UTF8, "application/json");
        using var response = await Billing.SendAsync(request, Cancel);

        await ReadProblemAsync(response, 400, ProblemTypes.MalformedRequest);
    }

    [Fact]
    public async Task Wrong_content_type_is_a_415()
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        request.Content = new StringContent("name=x", Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Billing.SendAsync(request, Cancel);

        await ReadProblemAsync(response, 415, ProblemTypes.UnsupportedMediaType);
    }

    [Fact]
    public async Task Oversize_body_is_a_413_and_creates_nothing()
    {
        using var request = Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey);
        var huge = new string('x', 3 * 1024 * 1024);
        request.Content = new StringContent($$"""{"name": "{{huge}}"}""", Encoding.UTF8, "application/json");
        // Wait for the server's verdict before uploading, as a well-behaved client of large bodies
        // does: otherwise the 413 and the closed connection can race the upload (broken pipe).
        request.Headers.ExpectContinue = true;
        using var response = await Billing.SendAsync(request, Cancel);

        await ReadProblemAsync(response, 413, ProblemTypes.PayloadTooLarge);
    }

    [Fact]
    public async Task No_key_is_a_401_with_how_to_send_one()
    {
        using var response = await Billing.SendAsync(Request(HttpMethod.Get, "/v1/accounts", key: null), Cancel);

        var problem = await ReadProblemAsync(response, 401, ProblemTypes.Unauthorized);
        Assert.Contains("Bearer", problem.GetProperty("detail").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Unknown_key_is_a_401()
    {
        using var response = await Billing.SendAsync(Request(HttpMethod.Get, "/v1/accounts", "pk_not-a-real-key"), Cancel);

        await ReadProblemAsync(response, 401, ProblemTypes.Unauthorized);
    }

    [Fact]
    public async Task Account_key_on_an_admin_endpoint_is_a_403()
    {
        var (_, key) = await CreateAccountWithKeyAsync(Billing);
        using var response = await Billing.SendAsync(Request(HttpMethod.Get, "/v1/accounts", key), Cancel);

        await ReadProblemAsync(response, 403, ProblemTypes.Forbidden);
    }

    [Fact]
    public async Task Another_accounts_id_looks_exactly_like_an_unknown_one()
    {
        var (_, key) = await CreateAccountWithKeyAsync(Billing, "mine");
        var (otherAccount, _) = await CreateAccountWithKeyAsync(Billing, "theirs");

        using var foreign = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{otherAccount}", key), Cancel);
        using var unknown = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{Guid.NewGuid()}", key), Cancel);
        using var malformed = await Billing.SendAsync(Request(HttpMethod.Get, "/v1/accounts/not-a-guid", key), Cancel);
        using var foreignKeys = await Billing.SendAsync(Request(HttpMethod.Get, $"/v1/accounts/{otherAccount}/keys", key), Cancel);

        await ReadProblemAsync(foreign, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(unknown, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(malformed, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(foreignKeys, 404, ProblemTypes.NotFound);
    }

    [Fact]
    public async Task Unknown_route_and_wrong_method_are_problems_too()
    {
        using var route = await Billing.SendAsync(Request(HttpMethod.Get, "/v1/nothing-here", PlatformSettings.AdminKey), Cancel);
        using var method = await Billing.SendAsync(Request(HttpMethod.Put, "/v1/accounts", PlatformSettings.AdminKey, new { name = "x" }), Cancel);

        await ReadProblemAsync(route, 404, ProblemTypes.NotFound);
        await ReadProblemAsync(method, 405, "urn:platform:problem:method-not-allowed");
    }

    [Fact]
    public async Task A_valid_request_still_works_after_all_that()
    {
        using var response = await Billing.SendAsync(Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey, new { name = "after" }), Cancel);

        var account = await ReadJsonAsync(response, 201);
        Assert.Equal("after", account.GetProperty("name").GetString());
        Assert.Equal(new MediaTypeHeaderValue("application/json").MediaType, response.Content.Headers.ContentType?.MediaType);
    }
}
