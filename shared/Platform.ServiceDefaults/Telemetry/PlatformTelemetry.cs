using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Platform.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry without the hosting package (not restorable here): the tracer and meter providers
/// are built with the SDK, held as singletons and started with the host. Each service's own
/// ActivitySource and Meter are named <c>Platform.{Service}</c>; <c>Platform.*</c> picks them all up.
/// OTLP export switches on when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class PlatformTelemetry
{
    public const string SourcePrefix = "Platform.";

    private static readonly string[] TraceSources =
    [
        "Platform.*",
        "MassTransit",
        "Microsoft.AspNetCore",
        "System.Net.Http",
        "Npgsql",
    ];

    private static readonly string[] Meters =
    [
        "Platform.*",
        "MassTransit",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "Microsoft.AspNetCore.Diagnostics",
        "System.Net.Http",
        "Npgsql",
    ];

    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        var exportOtlp = !string.IsNullOrWhiteSpace(otlpEndpoint);
        var resource = ResourceBuilder.CreateDefault().AddService(
            serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? serviceName,
            serviceVersion: typeof(PlatformTelemetry).Assembly.GetName().Version?.ToString());

        builder.Services.AddSingleton(provider =>
        {
            var tracing = Sdk.CreateTracerProviderBuilder()
                .SetResourceBuilder(resource)
                .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
                .AddSource(TraceSources);
            // Tests and hosts can add processors (e.g. to collect spans) through DI.
            foreach (var processor in provider.GetServices<BaseProcessor<Activity>>())
            {
                tracing.AddProcessor(processor);
            }

            if (exportOtlp)
            {
                tracing.AddOtlpExporter();
            }

            return tracing.Build();
        });

        builder.Services.AddSingleton(provider =>
        {
            var metrics = Sdk.CreateMeterProviderBuilder()
                .SetResourceBuilder(resource)
                .AddMeter(Meters);
            foreach (var reader in provider.GetServices<MetricReader>())
            {
                metrics.AddReader(reader);
            }

            if (exportOtlp)
            {
                metrics.AddOtlpExporter();
            }

            return metrics.Build();
        });

        if (exportOtlp)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.SetResourceBuilder(resource);
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
                logging.AddOtlpExporter();
            });
        }

        builder.Services.AddHostedService<TelemetryStarter>();
        return builder;
    }

    /// <summary>
    /// Injecting the providers is what builds them and starts listening; as the first hosted
    /// service it does so before anything else runs.
    /// </summary>
    private sealed class TelemetryStarter(TracerProvider tracing, MeterProvider metrics) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            tracing.ForceFlush(2000);
            metrics.ForceFlush(2000);
            return Task.CompletedTask;
        }
    }
}
