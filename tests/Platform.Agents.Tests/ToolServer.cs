using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.Agents.Tests;

/// <summary>
/// A local HTTP service that account tools point at. It records every call by its <c>Idempotency-Key</c>
/// (run, step, attempt), so tests can prove no step's tool was called twice. Routes:
/// <c>POST /echo</c> answers the JSON body back with a count; <c>GET /items/{id}</c> answers an item;
/// <c>GET /flaky/{id}?failures=n</c> answers 503 to the first n calls per run, then 200;
/// <c>GET /reject/{id}</c> answers 400; <c>GET /empty503/{id}</c> answers 503 with no body; <c>GET /slow/{id}?ms=n</c> waits, then answers;
/// <c>GET /gate/{id}?n=k</c> holds each call until k calls are inside gate {id} at once (or 8 s pass), then answers whether they were.
/// </summary>
public sealed class ToolServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _flaky = new();
    private readonly ConcurrentDictionary<string, Gate> _gates = new();

    private ToolServer(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    /// <summary>Calls by idempotency key (run, step, attempt), with their paths.</summary>
    public ConcurrentDictionary<string, ConcurrentQueue<string>> Calls { get; } = new();

    /// <summary>The most calls that were inside gate <paramref name="id"/> at once.</summary>
    public int MostInsideGate(string id) => _gates.TryGetValue(id, out var gate) ? gate.MostInside : 0;

    public int CallsOf(string runId) => Calls.Where(c => c.Key.Contains(Guid.Parse(runId).ToString("N"), StringComparison.Ordinal)).Sum(c => c.Value.Count);

    public static async Task<ToolServer> StartAsync()
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new ToolServer(app, $"http://127.0.0.1:{port}");
        app.Use(async (context, next) =>
        {
            var key = context.Request.Headers["Idempotency-Key"].ToString();
            server.Calls.GetOrAdd(key, _ => new ConcurrentQueue<string>()).Enqueue(context.Request.Path + context.Request.QueryString);
            await next(context);
        });
        app.MapPost("/echo", async (HttpContext context) =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            return Results.Json(new { received = body.RootElement.Clone(), length = body.RootElement.GetRawText().Length });
        });
        app.MapGet("/items/{id}", (string id) => Results.Json(new { id, name = $"item {id}", tags = new[] { "a", "b" } }));
        app.MapGet("/flaky/{id}", (string id, int failures, HttpContext context) =>
        {
            var run = context.Request.Headers["X-Agent-Run-Id"].ToString();
            var calls = server._flaky.AddOrUpdate(run + "/" + id, 1, (_, n) => n + 1);
            return calls <= failures ? Results.Json(new { error = "busy" }, statusCode: 503) : Results.Json(new { id, calls });
        });
        app.MapGet("/reject/{id}", (string id) => Results.Json(new { error = $"no such thing as {id}" }, statusCode: 400));
        app.MapGet("/empty503/{id}", (string id) => Results.StatusCode(503));
        app.MapGet("/slow/{id}", async (string id, int ms) =>
        {
            await Task.Delay(ms);
            return Results.Json(new { id, waited = ms });
        });
        app.MapGet("/gate/{id}", async (string id, int n) =>
        {
            var gate = server._gates.GetOrAdd(id, _ => new Gate(n));
            var released = await gate.EnterAsync(TimeSpan.FromSeconds(8));
            return Results.Json(new { id, released });
        });
        await app.StartAsync();
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Gate(int size)
    {
        private readonly TaskCompletionSource _full = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;
        private int _most;

        public int MostInside => Volatile.Read(ref _most);

        public async Task<bool> EnterAsync(TimeSpan timeout)
        {
            var inside = Interlocked.Increment(ref _inside);
            int most;
            while (inside > (most = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, inside, most) != most)
            {
            }

            if (inside >= size)
            {
                _full.TrySetResult();
            }

            try
            {
                await _full.Task.WaitAsync(timeout);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
            finally
            {
                Interlocked.Decrement(ref _inside);
            }
        }
    }
}
