using System.Collections.Concurrent;
using MassTransit;
using MassTransit.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Platform.Billing;
using Platform.Contracts.Ingest;
using Platform.Inference;
using Platform.Messaging;
using Platform.Retrieval;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Ingest.Tests;

/// <summary>
/// Ingest, Retrieval, Inference and Billing modules in one host on the in-memory bus with SQLite
/// files in a temp folder: standalone mode, as the standalone host composes it, on one loopback
/// port. Inference can be left out (nothing then answers Embed) to test step deadlines.
/// </summary>
public sealed class IngestionHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private IngestionHost(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>Every API of the host (Billing, Ingest, Retrieval, Inference) on one address, without credentials.</summary>
    public HttpClient Client { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Every DocumentIndexed and DocumentIngestionFailed published on the bus, as a business system would receive them.</summary>
    public ConcurrentQueue<object> Events { get; } = new();

    /// <summary>Waits for the document's final event (DocumentIndexed or DocumentIngestionFailed).</summary>
    public async Task<object> WaitForEventAsync(string documentId, TimeSpan timeout)
    {
        var id = Guid.Parse(documentId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Events.FirstOrDefault(e => e is DocumentIndexed i && i.DocumentId == id || e is DocumentIngestionFailed f && f.DocumentId == id) is { } found)
            {
                return found;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"No DocumentIndexed or DocumentIngestionFailed for {documentId} within {timeout.TotalSeconds:0} s.");
    }

    /// <param name="configure">Runs just before the host is built, e.g. for a test to record the log itself.</param>
    public static async Task<IngestionHost> StartAsync(
        IDictionary<string, string?>? settings = null, bool withInference = true, Action<WebApplicationBuilder>? configure = null)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "platform-ingest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Auth:AdminKey"] = PlatformSettings.AdminKey,
            ["Inference:ModelsDirectory"] = Path.Combine(AppContext.BaseDirectory, "models"),
        });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (Environment.GetEnvironmentVariable("INGEST_TEST_LOG") is { Length: > 0 } logFile)
        {
            Console.SetOut(new StreamWriter(logFile, append: true) { AutoFlush = true });
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }
        builder.AddServiceDefaults("ingest-tests", singleService: false);
        builder.AddIngest();
        builder.AddRetrieval();
        if (withInference)
        {
            builder.AddInference();
        }

        builder.AddBilling();
        builder.AddPlatformBus();
        configure?.Invoke(builder);

        var app = builder.Build();
        // MassTransit keeps its log context per flow: a second host in one test needs its own.
        LogContext.ConfigureCurrentLogContext(app.Services.GetRequiredService<ILoggerFactory>());
        app.UseRouting();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints(singleService: false);
        app.MapIngest();
        app.MapRetrieval();
        if (withInference)
        {
            app.MapInference();
        }

        app.MapBilling();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            // Tests expect some starts to fail (bad settings): a host that failed to start cannot be
            // stopped, only disposed, and its temp folder is not left behind.
            await app.DisposeAsync();
            DeleteDataDirectory(dataDirectory);
            throw;
        }

        var host = new IngestionHost(app, dataDirectory, new Uri(
            app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
        var events = app.Services.GetRequiredService<IBus>().ConnectReceiveEndpoint("ingest-tests-events", endpoint =>
        {
            endpoint.Handler<DocumentIndexed>(context =>
            {
                host.Events.Enqueue(context.Message);
                return Task.CompletedTask;
            });
            endpoint.Handler<DocumentIngestionFailed>(context =>
            {
                host.Events.Enqueue(context.Message);
                return Task.CompletedTask;
            });
        });
        await events.Ready;
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        DeleteDataDirectory(DataDirectory);
    }

    private static void DeleteDataDirectory(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not a test failure.
        }
    }
}
