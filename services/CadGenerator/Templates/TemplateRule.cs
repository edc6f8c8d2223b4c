namespace Platform.CadGenerator.Templates;

/// <summary>
/// A condition between parameters that ranges alone cannot express (a hole must fit inside its
/// wall). Checked once every value is in range; a broken rule is reported on <see cref="Field"/>.
/// </summary>
public sealed record TemplateRule(string Field, string Message, Func<IReadOnlyDictionary<string, double>, bool> Holds);
