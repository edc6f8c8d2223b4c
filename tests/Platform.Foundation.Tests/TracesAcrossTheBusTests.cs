using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
// Any public class of a service's assembly names its entry point; the modules themselves are static.
using Platform.Billing.Accounts;
using Platform.Ingest.Documents;
using Platform.Testing;
using Xunit;
using static Platform.Testing.PlatformApi;

namespace Platform.Foundation.Tests;

/// <summary>
/// One trace follows a request from Ingest's HTTP endpoint over RabbitMQ into Billing's consumer:
/// the service defaults register MassTransit's and ASP.NET Core's activity sources.
/// </summary>
public sealed class TracesAcrossTheBusTests : IAsyncLifetime
{
    private readonly SpanCollector _spans = new();
    private RabbitMqVirtualHost _vhost = null!;
    private PostgresDatabases _databases = null!;
    private WebApplicationFactory<AccountStore> _billing = null!;
    private WebApplicationFactory<DocumentStore> _ingest = null!;

    public async ValueTask InitializeAsync()
    {
        _vhost = await TestServers.CreateVirtualHostAsync();
        _databases = await TestServers.CreatePostgresPrefixAsync();
        var settings = PlatformSettings.Distributed(_vhost, _databases);
        _billing = new WebApplicationFactory<AccountStore>().WithWebHostBuilder(web => Configure(web, settings));
        // Activity listeners are process-wide: Ingest's tracer provider sees Billing's spans too, so collect there only.
        _ingest = new WebApplicationFactory<DocumentStore>().WithWebHostBuilder(web =>
        {
            Configure(web, settings);
            web.ConfigureServices(services => services.AddSingleton<BaseProcessor<Activity>>(_spans));
        });
        _billing.StartServer();
        _ingest.StartServer();
        await Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _ingest.DisposeAsync();
        await _billing.DisposeAsync();
        await _databases.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Http_request_bus_request_and_consumer_share_one_trace()
    {
        var (_, key) = await CreateAccountWithKeyAsync(_billing.CreateClient());
        var traceId = ActivityTraceId.CreateRandom();
        using var request = Request(HttpMethod.Get, "/v1/documents", key);
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        using var response = await _ingest.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);
        await ReadJsonAsync(response, 200);

        // The server span ends after the response is sent, so wait for it as well as for the consumer's.
        var spans = await _spans.WaitForAsync(traceId, all =>
            all.Any(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer) &&
            all.Any(s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server));
        Assert.Contains(spans, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server);
        Assert.Contains(spans, s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Producer);
        var consumer = spans.First(s => s.Source.Name == "MassTransit" && s.Kind == ActivityKind.Consumer);
        Assert.Contains("ResolveApiKey", consumer.DisplayName + string.Join(",", consumer.Tags.Select(t => t.Value)));
    }

    private static void Configure(IWebHostBuilder web, Dictionary<string, string> settings)
    {
        foreach (var (key, value) in settings)
        {
            web.UseSetting(key.Replace("__", ":"), value);
        }
    }

    private sealed class SpanCollector : BaseProcessor<Activity>
    {
        private readonly ConcurrentQueue<Activity> _ended = new();

        public override void OnEnd(Activity activity) => _ended.Enqueue(activity);

        public async Task<List<Activity>> WaitForAsync(ActivityTraceId traceId, Func<List<Activity>, bool> complete)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var spans = _ended.Where(a => a.TraceId == traceId).ToList();
                if (complete(spans))
                {
                    return spans;
                }

                await Task.Delay(100);
            }

            throw new Xunit.Sdk.XunitException(
                $"No matching span in trace {traceId}; spans seen: {string.Join(", ", _ended.Where(a => a.TraceId == traceId).Select(a => $"{a.Source.Name}/{a.Kind}/{a.DisplayName}"))}");
        }
    }
}
