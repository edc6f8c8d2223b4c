using System.Text.Json;
using System.Text.Json.Serialization;

namespace Platform.Events.Catalogue;

/// <summary>
/// How event data is written: the platform's HTTP conventions (camelCase, enums as camelCase strings,
/// numbers as JSON numbers), except that nulls are written, so every property of the schema is present.
/// The same options generate the data schemas, so the schema always describes what is sent.
/// </summary>
public static class EventJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            NumberHandling = JsonNumberHandling.Strict,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
