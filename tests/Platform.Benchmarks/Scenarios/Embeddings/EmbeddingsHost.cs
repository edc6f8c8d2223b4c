using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Contracts.Billing;
using Platform.Inference;
using Platform.Inference.Models;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;

namespace Platform.Benchmarks.Scenarios.Embeddings;

/// <summary>
/// The Inference module as its Program.cs composes it (service defaults, auth, problem details,
/// in-memory bus), on Kestrel at a loopback port, serving the shipped model repository. The API key
/// resolves locally (no Billing process) and usage reports are answered in-process, so the figure is
/// the embeddings path itself.
/// </summary>
public sealed class EmbeddingsHost : IAsyncDisposable
{
    private const string Key = "pk_bench_embeddings";
    private readonly WebApplication _app;
    private readonly string _dataDirectory;

    private EmbeddingsHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        _dataDirectory = dataDirectory;
        Address = address;
    }

    public Uri Address { get; }

    public OnnxModel Model(string name) => _app.Services.GetRequiredService<OnnxModels>().Find(name)?.Model
        ?? throw new InvalidOperationException($"Model '{name}' is not loaded.");

    public HttpClient CreateClient() => PlatformHttp.Client(Address, Key, maxConnections: 256);

    /// <summary>The path of the HTTP floor: auth, then a fixed body of an embeddings answer's size; no model, no JSON work.</summary>
    public const string FloorPath = "/bench/floor";

    public static async Task<EmbeddingsHost> StartAsync(bool batching, bool waitForUsageCommit = true)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "bench-embeddings-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Inference:Device"] = "cpu",
            ["Inference:Batching:Enabled"] = batching ? "true" : "false",
            ["Inference:Usage:WaitForCommit"] = waitForUsageCommit ? "true" : "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(PlatformServices.Inference);
        builder.AddInference();
        builder.Services.AddBusRegistrations(bus => bus.AddConsumer<UsageSink>());
        builder.AddPlatformBus();
        builder.Services.AddScoped<IApiKeyResolver, BenchKeyResolver>();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapInference();
        // What the HTTP stack alone costs here (Kestrel, HttpClient over loopback, auth, service
        // defaults), answering with a body the size of a real one-text answer (256 floats, ~3.4 KB).
        var floorBody = System.Text.Encoding.UTF8.GetBytes(
            "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[" +
            string.Join(",", Enumerable.Repeat("-0.012345678", 256)) + "]}],\"model\":\"m\",\"usage\":{\"prompt_tokens\":9,\"total_tokens\":9,\"truncated_inputs\":0}}");
        app.MapPost(FloorPath, async (Microsoft.AspNetCore.Http.HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/json";
            await context.Response.Body.WriteAsync(floorBody, context.RequestAborted);
        }).RequireAuthorization(PlatformPolicies.Account);
        await app.StartAsync();
        return new EmbeddingsHost(app, dataDirectory, PlatformHttp.AddressOf(app));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may hold a file a moment longer; it is a temp folder.
        }
    }

    private sealed class BenchKeyResolver : IApiKeyResolver
    {
        private static readonly ApiKeyIdentity Identity = new(Guid.Parse("5e0c6a4d-8b1f-4f7e-9d2a-3c4b5a6d7e8f"), "bench");

        public ValueTask<ApiKeyIdentity?> ResolveAsync(string keyHash, CancellationToken cancellationToken) =>
            ValueTask.FromResult(ApiKeys.HashesEqual(keyHash, ApiKeys.Hash(Key)) ? Identity : null);
    }

    /// <summary>Answers RecordUsage as Billing would, without a ledger.</summary>
    private sealed class UsageSink : IConsumer<RecordUsage>
    {
        public Task Consume(ConsumeContext<RecordUsage> context) =>
            context.RespondAsync(new UsageRecorded(context.Message.TransferId, context.Message.AccountId, 0, true, false));
    }
}
