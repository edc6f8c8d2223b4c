namespace Platform.CadGenerator.Templates;

/// <summary>One typed, bounded input of a template; <see cref="Name"/> is also its OpenSCAD variable.</summary>
public sealed record TemplateParameter(string Name, ParameterUnit Unit, double Min, double Max, double Default, string Description);
