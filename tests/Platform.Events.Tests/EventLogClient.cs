using System.Text.Json;
using static Platform.Testing.PlatformApi;

namespace Platform.Events.Tests;

/// <summary>Reads an account's event log through the API (<c>GET /v1/events</c>), all pages.</summary>
public static class EventLogClient
{
    public static async Task<IReadOnlyList<JsonElement>> ReadAllAsync(HttpClient client, string key, string? type = null)
    {
        var events = new List<JsonElement>();
        string? after = null;
        do
        {
            var path = "/v1/events?limit=1000" + (type is null ? "" : "&type=" + type) + (after is null ? "" : "&after=" + after);
            using var response = await client.SendAsync(Request(HttpMethod.Get, path, key));
            var page = await ReadJsonAsync(response, 200);
            events.AddRange(page.GetProperty("items").EnumerateArray());
            after = page.TryGetProperty("next", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (after is not null);

        return events;
    }
}
