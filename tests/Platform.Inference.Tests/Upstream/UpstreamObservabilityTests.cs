using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Platform.Inference.Upstream;
using Xunit;
using static Platform.Inference.Tests.Upstream.ChatCompletionsProxyTests;

namespace Platform.Inference.Tests.Upstream;

/// <summary>The proxy's metrics (with units) and its place in the service's OpenAPI document.</summary>
public sealed class UpstreamObservabilityTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> _measurements = new();
    private readonly MeterListener _listener = new();
    private OpenAiTestUpstream _failing = null!;
    private OpenAiTestUpstream _working = null!;
    private InferenceHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == InferenceTelemetry.Name && instrument.Name.StartsWith("platform.inference.upstream.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, (long)Math.Ceiling(value), tags));
        _listener.Start();

        _failing = await OpenAiTestUpstream.StartAsync();
        _failing.Behave = (_, _) => UpstreamBehaviour.Fail(500);
        _working = await OpenAiTestUpstream.StartAsync();
        // Route names of their own: the listener hears every test running in parallel.
        var settings = InferenceHost.Route([], "observed-failing", _failing.BaseUrl, "observed-model", priority: 0, maxRetries: 2);
        _host = await InferenceHost.StartAsync(InferenceHost.Route(settings, "observed-working", _working.BaseUrl, "observed-model", priority: 1));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Dispose();
        await _host.DisposeAsync();
        await _failing.DisposeAsync();
        await _working.DisposeAsync();
    }

    private void Record(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            map[tag.Key] = tag.Value;
        }

        _measurements.Enqueue((instrument.Name, instrument.Unit, value, map));
    }

    private List<(string Instrument, string? Unit, long Value, Dictionary<string, object?> Tags)> Measured(string instrument, string tag, string value) =>
        [.. _measurements.Where(m => m.Instrument == instrument && Equals(m.Tags.GetValueOrDefault(tag), value))];

    [Fact]
    public async Task Retries_fallbacks_latency_and_tokens_are_measured_with_units()
    {
        using var response = await _host.Client.PostAsJsonAsync("/v1/chat/completions",
            new { model = "observed-model", messages = new[] { new { role = "user", content = "measure me" } } }, TestContext.Current.CancellationToken);
        await ReadAsync(response, 200);

        var retries = Measured("platform.inference.upstream.retries", "route", "observed-failing");
        Assert.Equal(2, retries.Sum(m => m.Value));
        Assert.All(retries, m => Assert.Equal("{retry}", m.Unit));

        var fallback = Assert.Single(Measured("platform.inference.upstream.fallbacks", "from", "observed-failing"));
        Assert.Equal("{fallback}", fallback.Unit);
        Assert.Equal("unavailable", fallback.Tags["reason"]);

        var durations = Measured("platform.inference.upstream.duration", "route", "observed-working");
        Assert.Equal("s", Assert.Single(durations).Unit);
        Assert.Equal("ok", durations[0].Tags["outcome"]);
        Assert.Equal("unavailable", Assert.Single(Measured("platform.inference.upstream.duration", "route", "observed-failing")).Tags["outcome"]);

        var tokens = Measured("platform.inference.upstream.tokens", "route", "observed-working");
        Assert.All(tokens, m => Assert.Equal("{token}", m.Unit));
        Assert.Equal(UpstreamBehaviour.ReportedPromptTokens, tokens.Single(m => Equals(m.Tags["direction"], "input")).Value);
        Assert.Equal(3, tokens.Single(m => Equals(m.Tags["direction"], "output")).Value);
    }

    [Fact]
    public async Task The_openapi_document_describes_chat_completions()
    {
        using var anonymous = new HttpClient { BaseAddress = _host.Client.BaseAddress };
        using var response = await anonymous.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);

        var document = await ReadAsync(response, 200);
        Assert.NotNull(document["paths"]!["/v1/chat/completions"]!["post"]);
    }
}
