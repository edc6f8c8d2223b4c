using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Platform.Ingest.Extraction;

/// <summary>
/// The searchable text of a JSON document: one line per value that holds text or a number,
/// <c>path: value</c> (e.g. <c>items[2].title: Pumps</c>), in document order, so a chunk carries the
/// field its words came from. Objects and arrays give no lines of their own; nulls and booleans none
/// either (they are not words anyone searches for). Invalid JSON is an error naming line and position.
/// </summary>
public static class JsonText
{
    private const int MaxDepth = 64;

    public static (string? Text, string? Error) Extract(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            return (null, $"is not valid JSON (line {exception.LineNumber + 1}, position {exception.BytePositionInLine + 1}; at most {MaxDepth} levels)");
        }

        using (document)
        {
            var text = new StringBuilder(json.Length);
            Walk(document.RootElement, "", text);
            return (text.ToString().TrimEnd('\n'), null);
        }
    }

    private static void Walk(JsonElement element, string path, StringBuilder text)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", text);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]"), text);
                }

                break;
            case JsonValueKind.String when !string.IsNullOrWhiteSpace(element.GetString()):
                Line(path, element.GetString()!, text);
                break;
            case JsonValueKind.Number:
                Line(path, element.GetRawText(), text);
                break;
        }
    }

    private static void Line(string path, string value, StringBuilder text)
    {
        // One line per value: line breaks inside a value become spaces.
        var flat = value.ReplaceLineEndings(" ");
        text.Append(path.Length == 0 ? flat : $"{path}: {flat}").Append('\n');
    }
}
