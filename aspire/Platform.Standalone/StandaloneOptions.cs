using Platform.ServiceDefaults;

namespace Platform.Standalone;

/// <summary>Bound from the <c>Standalone</c> section (environment: <c>Standalone__BindAddress</c>, <c>Standalone__Ports__billing</c>).</summary>
public sealed class StandaloneOptions
{
    public const string SectionName = "Standalone";

    /// <summary>Address every API listens on; 127.0.0.1 keeps a laptop's platform private.</summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>Port per service; defaults to the same ports as distributed mode, so clients need no change.</summary>
    public Dictionary<string, int> Ports { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public int PortOf(string service) =>
        Ports.TryGetValue(service, out var port) ? port : PlatformServices.DefaultPorts[service];
}
