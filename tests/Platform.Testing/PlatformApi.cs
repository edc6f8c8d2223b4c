using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>Small HTTP conveniences for tests: authenticated calls and reading problem details.</summary>
public static class PlatformApi
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    /// <summary>Creates an account through Billing with the admin key and returns (account id, its new API key).</summary>
    public static async Task<(string AccountId, string Key)> CreateAccountWithKeyAsync(HttpClient billing, string name = "test")
    {
        using var account = await billing.SendAsync(Request(HttpMethod.Post, "/v1/accounts", PlatformSettings.AdminKey, new { name }));
        var accountId = (await ReadJsonAsync(account, 201)).GetProperty("id").GetString()!;
        using var key = await billing.SendAsync(Request(HttpMethod.Post, $"/v1/accounts/{accountId}/keys", PlatformSettings.AdminKey, new { name = "test key" }));
        return (accountId, (await ReadJsonAsync(key, 201)).GetProperty("key").GetString()!);
    }

    /// <summary>The JSON body, after checking the status code (the body is in the failure message).</summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, int expectedStatus)
    {
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != expectedStatus)
        {
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {expectedStatus}: {text}");
        }

        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Reads an RFC 9457 problem and checks its status, type and content type.</summary>
    public static async Task<JsonElement> ReadProblemAsync(HttpResponseMessage response, int expectedStatus, string expectedType)
    {
        var problem = await ReadJsonAsync(response, expectedStatus);
        var contentType = response.Content.Headers.ContentType?.MediaType;
        if (contentType != "application/problem+json")
        {
            throw new InvalidOperationException($"Expected application/problem+json, got {contentType}: {problem}");
        }

        var type = problem.GetProperty("type").GetString();
        if (type != expectedType)
        {
            throw new InvalidOperationException($"Expected problem type {expectedType}, got {type}: {problem}");
        }

        if (!problem.TryGetProperty("traceId", out var traceId) || string.IsNullOrEmpty(traceId.GetString()))
        {
            throw new InvalidOperationException($"The problem has no traceId: {problem}");
        }

        return problem;
    }
}
