namespace Platform.ServiceDefaults;

/// <summary>The seven services: their names (also their database and telemetry names) and default HTTP ports.</summary>
public static class PlatformServices
{
    public const string Ingest = "ingest";
    public const string Retrieval = "retrieval";
    public const string Inference = "inference";
    public const string Agents = "agents";
    public const string Billing = "billing";
    public const string SafetyGuard = "safetyguard";
    public const string CadGenerator = "cadgenerator";

    /// <summary>Default port of each service; the same in standalone and distributed mode.</summary>
    public static readonly IReadOnlyDictionary<string, int> DefaultPorts = new Dictionary<string, int>
    {
        [Ingest] = 5101,
        [Retrieval] = 5102,
        [Inference] = 5103,
        [Agents] = 5104,
        [Billing] = 5105,
        [SafetyGuard] = 5106,
        [CadGenerator] = 5107,
    };

    public static IReadOnlyList<string> All { get; } = [.. DefaultPorts.Keys];
}
