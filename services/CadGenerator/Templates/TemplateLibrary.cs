namespace Platform.CadGenerator.Templates;

/// <summary>The parametric templates, the same for every account (they hold no account data).</summary>
public sealed class TemplateLibrary
{
    public static TemplateLibrary Default { get; } = new(
    [
        LBracketTemplate.Create(),
        StandoffTemplate.Create(),
        PlateWithHolesTemplate.Create(),
        EnclosureBoxTemplate.Create(),
        SpurGearTemplate.Create(),
        HookTemplate.Create(),
        PipeClampTemplate.Create(),
        DeviceStandTemplate.Create(),
    ]);

    private readonly Dictionary<string, CadTemplate> _byId;

    public TemplateLibrary(IReadOnlyList<CadTemplate> templates)
    {
        Templates = templates;
        _byId = templates.ToDictionary(t => t.Id, StringComparer.Ordinal);
    }

    public IReadOnlyList<CadTemplate> Templates { get; }

    public CadTemplate? Find(string id) => _byId.GetValueOrDefault(id);
}
