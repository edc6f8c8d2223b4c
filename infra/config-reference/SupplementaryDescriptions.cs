namespace Platform.ConfigurationReference;

/// <summary>
/// Meanings for settings whose property has no doc comment (and whose class's comment does not say
/// it). A doc comment on the property, when one is written, wins; an entry here whose key no longer
/// exists fails the catalogue, so this list cannot drift from the code.
/// </summary>
public static class SupplementaryDescriptions
{
    public static readonly IReadOnlyDictionary<string, string> ByKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["Bus:Transport"] = "`InMemory` (one process: the standalone host, tests) or `RabbitMq` (distributed, cluster).",
        ["Bus:RabbitMq:Host"] = "RabbitMQ server host name or address.",
        ["Bus:RabbitMq:Port"] = "RabbitMQ AMQP port.",
        ["Bus:RabbitMq:VirtualHost"] = "RabbitMQ virtual host.",
        ["Bus:RabbitMq:Username"] = "RabbitMQ user.",
        ["Bus:RabbitMq:Password"] = "RabbitMQ password (keep it in a secret).",
        ["Billing:Prices:Models:<model>:InputPerMillionTokens"] = "Default price of a million input tokens of `<model>`, in micro-credits.",
        ["Billing:Prices:Models:<model>:OutputPerMillionTokens"] = "Default price of a million output tokens of `<model>`, in micro-credits.",
        ["Billing:Prices:Models:<model>:EmbeddingPerMillionTokens"] = "Default price of a million embedded tokens of `<model>`, in micro-credits.",
        ["CadGenerator:Rendering:OpenScadPath"] = "The OpenSCAD executable.",
        ["CadGenerator:Rendering:BubblewrapPath"] = "The bubblewrap (`bwrap`) executable every render runs inside.",
    };

    public static string? For(string key) => ByKey.TryGetValue(key, out var text) ? text : null;

    /// <summary>Entries that described no setting of the catalogue just built.</summary>
    public static IEnumerable<string> Unused(IEnumerable<Setting> settings) =>
        ByKey.Keys.Where(key => !settings.Any(s => s.Origin == SettingOrigin.Options && s.Matches(key)));
}
