using System.Text.Json;

namespace Platform.Agents.Tools;

/// <summary>
/// The platform's own tools. Their argument schemas live here, in code, because the agent-step
/// consumer that executes them reads exactly these arguments; accounts cannot replace or delete them.
/// </summary>
public static class BuiltInTools
{
    public const string RetrievalSearch = "retrieval.search";
    public const string InferenceGenerate = "inference.generate";
    public const string InferenceClassify = "inference.classify";
    public const string CadGenerate = "cad.generate";

    public static readonly IReadOnlyList<ToolDefinition> All =
    [
        Define(
            RetrievalSearch,
            "Searches the account's indexed documents and returns the best matching chunks with their scores.",
            ToolRisk.Low,
            timeoutSeconds: 30,
            """
            {
              "type": "object",
              "properties": {
                "query": { "type": "string", "minLength": 1, "maxLength": 4000, "description": "What to search for." },
                "collection": { "type": "string", "maxLength": 200, "description": "Collection to search; the account's default when omitted." },
                "topK": { "type": "integer", "minimum": 1, "maximum": 100, "default": 5, "description": "How many chunks to return." }
              },
              "required": ["query"],
              "additionalProperties": false
            }
            """),
        Define(
            InferenceGenerate,
            "Generates text with a chat model from a prompt (and optional system instruction).",
            ToolRisk.Medium,
            timeoutSeconds: 120,
            """
            {
              "type": "object",
              "properties": {
                "prompt": { "type": "string", "minLength": 1, "maxLength": 100000, "description": "The user message." },
                "system": { "type": "string", "maxLength": 20000, "description": "Optional system instruction." },
                "model": { "type": "string", "maxLength": 200, "description": "Model route; the platform default when omitted." },
                "maxTokens": { "type": "integer", "minimum": 1, "maximum": 32768, "default": 512 },
                "temperature": { "type": "number", "minimum": 0, "maximum": 2, "default": 0 }
              },
              "required": ["prompt"],
              "additionalProperties": false
            }
            """),
        Define(
            InferenceClassify,
            "Classifies a text with a registered classification model and returns the labels with scores.",
            ToolRisk.Low,
            timeoutSeconds: 30,
            """
            {
              "type": "object",
              "properties": {
                "text": { "type": "string", "minLength": 1, "maxLength": 100000, "description": "The text to classify." },
                "model": { "type": "string", "minLength": 1, "maxLength": 200, "description": "The classifier to use." }
              },
              "required": ["text", "model"],
              "additionalProperties": false
            }
            """),
        // The prompt's maxLength is CadGenerator's PromptParser.MaxPromptLength (2000), which Agents cannot reference:
        // a longer prompt would pass the arguments check and only fail in CadGenerator, after the step started.
        Define(
            CadGenerate,
            "Designs a printable part from a prompt or a template with parameters, renders it and returns the validated STL.",
            ToolRisk.Medium,
            timeoutSeconds: 120,
            """
            {
              "type": "object",
              "properties": {
                "prompt": { "type": "string", "minLength": 1, "maxLength": 2000, "description": "What to make, in words." },
                "template": { "type": "string", "maxLength": 100, "description": "A template id from GET /v1/cad/templates." },
                "parameters": {
                  "type": "object",
                  "additionalProperties": { "type": "number" },
                  "description": "Template parameters by name (millimetres, counts, degrees)."
                }
              },
              "anyOf": [ { "required": ["prompt"] }, { "required": ["template"] } ],
              "additionalProperties": false
            }
            """),
    ];

    private static readonly Dictionary<string, ToolDefinition> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static bool IsBuiltIn(string name) => ByName.ContainsKey(name);

    public static ToolDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    private static ToolDefinition Define(string name, string description, ToolRisk risk, int timeoutSeconds, string schema)
    {
        using var document = JsonDocument.Parse(schema);
        return new ToolDefinition(name, description, BuiltIn: true, Method: null, UrlTemplate: null,
            document.RootElement.Clone(), timeoutSeconds, risk, CreatedAt: null);
    }
}
