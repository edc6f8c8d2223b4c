namespace Platform.ConfigurationReference;

/// <summary>
/// Keys the platform's code reads directly rather than through an options class, and keys that only
/// the framework reads but deployments set. The catalogue fails when code reads a key that is
/// neither an options setting nor listed here, and when a <see cref="Host"/> entry is no longer read.
/// </summary>
public static class HostSettings
{
    /// <summary>
    /// <see cref="HostSetting.Key"/> is the key as the code reads it (found by <see cref="RawConfigurationReads"/>);
    /// who reads it follows from the file the read is in.
    /// </summary>
    public static readonly IReadOnlyList<HostSetting> Host =
    [
        new("urls", "ASPNETCORE_URLS", "string (URL list, `;`-separated)", "http://127.0.0.1:<the service's port>",
            "Where a single service listens. When neither this nor `ASPNETCORE_HTTP_PORTS` is set, the service binds its default port on 127.0.0.1 (5101-5107)."),
        new("ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTP_PORTS", "int list (`;`-separated)", "",
            "Ports to listen on, on all interfaces (the container images set the service's own port). `ASPNETCORE_URLS` wins when both are set."),
        new("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT", "string (URL)", "",
            "When set, traces, metrics and logs are exported over OTLP to this endpoint (the Aspire dashboard, an OpenTelemetry collector)."),
        new("OTEL_SERVICE_NAME", "OTEL_SERVICE_NAME", "string", "<the service's name>",
            "The service name on exported telemetry."),
        new("ConnectionStrings:<service>", "ConnectionStrings__<service>", "string (connection string)", "",
            "This service's whole database connection string, overriding `Storage:Postgres` (and the SQLite file). A PostgreSQL string without `Database=` gets `<Storage:DatabasePrefix><service>`."),
    ];

    /// <summary>Read by ASP.NET Core, .NET or the OpenTelemetry SDK (not by platform code); set by the deployments here.</summary>
    public static readonly IReadOnlyList<HostSetting> Framework =
    [
        new("Logging:Console:FormatterName", "Logging__Console__FormatterName", "string", "simple",
            "`json` for one JSON object per log line (what the Kubernetes manifests set), `simple` or `systemd`."),
        new("Logging:LogLevel:<category>", "Logging__LogLevel__<category>", "one of Trace, Debug, Information, Warning, Error, Critical, None", "Information",
            "Minimum log level per category (`Default`, `Microsoft.AspNetCore`, `MassTransit`, ...)."),
        new("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL", "one of grpc, http/protobuf", "grpc",
            "OTLP transport (read by the OpenTelemetry exporter)."),
        new("OTEL_RESOURCE_ATTRIBUTES", "OTEL_RESOURCE_ATTRIBUTES", "string (`key=value,...`)", "",
            "Extra resource attributes on exported telemetry, e.g. `deployment.environment=prod` (read by the OpenTelemetry SDK)."),
    ];
}

public sealed record HostSetting(string Key, string EnvironmentVariable, string Type, string Default, string Description);
