using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Events.Webhooks;

namespace Platform.Benchmarks.Scenarios.Events;

/// <summary>
/// The business systems' side: one Kestrel server with an endpoint per subscriber
/// (<c>/hooks/{n}</c>) that reads the whole body and answers 204, recording when each event id first arrived.
/// </summary>
public sealed class WebhookSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookSink(WebApplication app)
    {
        _app = app;
    }

    public string BaseUrl { get; private set; } = "";

    /// <summary>First arrival (Stopwatch timestamp) by event id.</summary>
    public ConcurrentDictionary<string, long> Arrivals { get; } = new(StringComparer.Ordinal);

    public long Requests => Interlocked.Read(ref _requests);

    private long _requests;

    public string Url(int endpoint) => $"{BaseUrl}/hooks/{endpoint}";

    public static async Task<WebhookSink> StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        // Port 0: the OS picks a free one; the bound address is read back after start.
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        var sink = new WebhookSink(app);
        app.MapPost("/hooks/{endpoint:int}", async (int endpoint, HttpRequest request) =>
        {
            var buffer = new byte[4096];
            while (await request.Body.ReadAsync(buffer) > 0)
            {
            }

            var arrived = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref sink._requests);
            sink.Arrivals.TryAdd(request.Headers[WebhookHeaders.EventId].ToString(), arrived);
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        sink.BaseUrl = app.Urls.First();
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
