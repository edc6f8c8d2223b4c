namespace Platform.SafetyGuard.Classifiers;

/// <summary>
/// The three trained classifiers of npm <c>llm_guardrail@2.1.2</c> (prompt injection, jailbreak,
/// malicious), loaded once from the model files the build copies next to the assembly. The text
/// is tokenised once and scored by each.
/// </summary>
public sealed class PromptClassifiers
{
    public const string PromptInjection = "prompt_injection";
    public const string Jailbreak = "jailbreak";
    public const string Malicious = "malicious";

    public static readonly IReadOnlyList<string> Names = [PromptInjection, Jailbreak, Malicious];

    public PromptClassifiers(IReadOnlyList<TfidfLogisticModel> models)
    {
        Models = models;
    }

    /// <summary>Where the build puts the package's model files (<c>models/llm_guardrail/</c> in the output).</summary>
    public static string DefaultDirectory => Path.Combine(AppContext.BaseDirectory, "models", "llm_guardrail");

    public IReadOnlyList<TfidfLogisticModel> Models { get; }

    public static PromptClassifiers Load(string? directory = null)
    {
        directory ??= DefaultDirectory;
        var models = new List<TfidfLogisticModel>();
        foreach (var name in Names)
        {
            var path = Path.Combine(directory, $"{name}_model.json");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"The {name} classifier model is missing at {path}; the build copies it from the npm package llm_guardrail (services/SafetyGuard/package-lock.json).", path);
            }

            models.Add(TfidfLogisticModel.Load(name, path));
        }

        return new PromptClassifiers(models);
    }

    private static readonly Lazy<PromptClassifiers> Shared = new(() => Load());

    /// <summary>The models loaded once per process from <see cref="DefaultDirectory"/> (about 0.3 s and 20 MB).</summary>
    public static PromptClassifiers Default => Shared.Value;

    /// <summary>Each classifier's threat probability, in <see cref="Names"/> order.</summary>
    public IReadOnlyList<ClassifierScore> Score(string text)
    {
        var tokens = GuardrailTokens.Tokenize(text);
        var scores = new ClassifierScore[Models.Count];
        for (var i = 0; i < Models.Count; i++)
        {
            scores[i] = new ClassifierScore(Models[i].Name, Models[i].Score(tokens));
        }

        return scores;
    }
}
