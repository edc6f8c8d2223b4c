using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Platform.Benchmarks.Framework;

/// <summary>What every scenario host does over HTTP: find where it listens, make clients, check answers, open an account.</summary>
public static class PlatformHttp
{
    /// <summary>The address a started host listens on (hosts bind port 0 on loopback).</summary>
    public static Uri AddressOf(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>A client for <paramref name="address"/>, with <paramref name="key"/> as its bearer key when given.</summary>
    public static HttpClient Client(Uri address, string? key, int maxConnections = 64)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = maxConnections })
        {
            BaseAddress = address,
            Timeout = TimeSpan.FromSeconds(60),
        };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>The answer's JSON body when its status is <paramref name="status"/>; otherwise throws with what it said.</summary>
    public static async Task<JsonElement> ExpectAsync(HttpResponseMessage response, int status, CancellationToken cancellationToken)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if ((int)response.StatusCode != status)
            {
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {status}: {text}");
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }

    /// <summary>A new account named <paramref name="name"/> holding <paramref name="credits"/> micro-credits (none when 0); returns its API key.</summary>
    public static async Task<string> CreateAccountKeyAsync(HttpClient admin, string name, long credits, CancellationToken cancellationToken)
    {
        var account = await ExpectAsync(await admin.PostAsJsonAsync("/v1/accounts", new { name }, cancellationToken), 201, cancellationToken);
        var accountId = account.GetProperty("id").GetString();
        if (credits > 0)
        {
            await ExpectAsync(await admin.PostAsJsonAsync($"/v1/accounts/{accountId}/deposits",
                new { transferId = "bench-deposit-" + Guid.NewGuid().ToString("N"), amount = credits }, cancellationToken), 201, cancellationToken);
        }

        var key = await ExpectAsync(await admin.PostAsJsonAsync($"/v1/accounts/{accountId}/keys", new { name = "bench" }, cancellationToken), 201, cancellationToken);
        return key.GetProperty("key").GetString()!;
    }
}
