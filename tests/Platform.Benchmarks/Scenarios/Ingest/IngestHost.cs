using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Benchmarks.Framework;
using Platform.Benchmarks.Scenarios.Billing;
using Platform.Billing;
using Platform.Inference;
using Platform.Inference.Models;
using Platform.Ingest;
using Platform.Messaging;
using Platform.Retrieval;
using Platform.ServiceDefaults;

namespace Platform.Benchmarks.Scenarios.Ingest;

/// <summary>
/// Ingest, Retrieval, Inference and Billing modules in one process on RabbitMQ (a fresh virtual host)
/// and PostgreSQL (fresh databases), on Kestrel at a loopback port: every ingestion step crosses the
/// broker (DocumentSubmitted, the saga's work orders and answers, Embed, UpsertChunks, RecordUsage,
/// the scheduler's deadlines) and every state change commits in PostgreSQL, as in distributed mode.
/// </summary>
public sealed class IngestHost : IAsyncDisposable
{
    public const string AdminKey = "bench-ingest-admin-key";
    private readonly WebApplication _app;

    private IngestHost(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public OnnxModel Model(string name) => _app.Services.GetRequiredService<OnnxModels>().Find(name)?.Model
        ?? throw new InvalidOperationException($"Model '{name}' is not loaded.");

    public static async Task<IngestHost> StartAsync(RabbitMqEnvironment rabbit, string virtualHost, PostgresEnvironment postgres)
    {
        var builder = WebApplication.CreateBuilder();
        var settings = postgres.DistributedSettings(rabbit, virtualHost);
        settings["urls"] = "http://127.0.0.1:0";
        settings["Auth:AdminKey"] = AdminKey;
        settings["Inference:Device"] = "cpu";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults("bench-ingest", singleService: false);
        builder.AddIngest();
        builder.AddRetrieval();
        builder.AddInference();
        builder.AddBilling();
        builder.AddPlatformBus();
        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints(singleService: false);
        app.MapIngest();
        app.MapRetrieval();
        app.MapInference();
        app.MapBilling();
        await app.StartAsync();
        return new IngestHost(app, PlatformHttp.AddressOf(app));
    }

    public HttpClient CreateClient(string key) => PlatformHttp.Client(Address, key);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
