namespace Platform.CadGenerator.Templates;

/// <summary>What a template parameter measures; also decides how it is checked (counts are whole numbers).</summary>
public enum ParameterUnit
{
    /// <summary>Millimetres (STL has no units; printers and slicers read them as mm).</summary>
    Mm,

    /// <summary>A whole number of things (holes, teeth).</summary>
    Count,

    /// <summary>Degrees.</summary>
    Deg,
}
