using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Events.Webhooks;
using Platform.Testing;

namespace Platform.Events.Tests;

/// <summary>
/// A real HTTP server (Kestrel) standing for business systems' webhook endpoints: each path
/// <c>/hooks/{name}</c> is one endpoint; every request is recorded with what it was answered; an
/// endpoint's behaviour (status, delay) can be set per attempt.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<int, Task<int>>> _behaviours = new();
    private readonly ConcurrentDictionary<string, int> _counts = new();

    private WebhookReceiver(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public string Url(string endpoint) => $"{BaseUrl}/hooks/{endpoint}";

    public IReadOnlyList<ReceivedWebhook> For(string endpoint) => [.. Received.Where(r => r.Endpoint == endpoint)];

    /// <summary>The requests <paramref name="endpoint"/> answered with 2xx, first per event id, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Accepted(string endpoint) =>
        [.. Received.Where(r => r.Endpoint == endpoint && r.AnsweredStatus is >= 200 and < 300).DistinctBy(r => r.EventId)];

    /// <summary>From now on <paramref name="endpoint"/> answers what <paramref name="behaviour"/> says for its n-th request (1-based).</summary>
    public void Behave(string endpoint, Func<int, Task<int>> behaviour) => _behaviours[endpoint] = behaviour;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePort.Next()}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, url);
        app.MapPost("/hooks/{endpoint}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task<IResult> HandleAsync(string endpoint, HttpRequest request)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer);
        var n = _counts.AddOrUpdate(endpoint, 1, (_, count) => count + 1);
        var status = _behaviours.TryGetValue(endpoint, out var behaviour) ? await behaviour(n) : 200;
        Received.Enqueue(new ReceivedWebhook(
            endpoint,
            request.Headers[WebhookHeaders.EventId].ToString(),
            request.Headers[WebhookHeaders.EventType].ToString(),
            request.Headers[WebhookHeaders.DeliveryId].ToString(),
            int.TryParse(request.Headers[WebhookHeaders.Attempt], out var attempt) ? attempt : 0,
            request.Headers[WebhookSignature.Header].ToString(),
            request.ContentType ?? "",
            buffer.ToArray(),
            status,
            DateTimeOffset.UtcNow));
        return Results.StatusCode(status);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

public sealed record ReceivedWebhook(
    string Endpoint,
    string EventId,
    string EventType,
    string DeliveryId,
    int Attempt,
    string Signature,
    string ContentType,
    byte[] Body,
    int AnsweredStatus,
    DateTimeOffset At)
{
    public System.Text.Json.JsonElement Json => System.Text.Json.JsonDocument.Parse(Body).RootElement;

    public string Subject => Json.GetProperty("subject").GetString()!;
}
