namespace Platform.CadGenerator.Design;

/// <summary>Why a proposed OpenSCAD program was refused: a stable <see cref="Rule"/>, the line, and a message for people.</summary>
public sealed record ScadIssue(string Rule, int Line, string Message);
