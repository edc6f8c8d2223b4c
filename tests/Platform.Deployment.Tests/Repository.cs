using Platform.ConfigurationReference;

namespace Platform.Deployment.Tests;

/// <summary>The repository under test and the configuration catalogue built from its code (once per run).</summary>
public static class Repository
{
    public static string Root { get; } = RepositoryRoot.Find();

    private static readonly Lazy<ConfigurationCatalog> LazyCatalog = new(() => ConfigurationCatalog.Load(Root));

    public static ConfigurationCatalog Catalog => LazyCatalog.Value;

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>The services folder name of a service (billing -> Billing).</summary>
    public static string FolderOf(string service) =>
        Directory.GetDirectories(PathOf("services")).Select(Path.GetFileName).Single(d => string.Equals(d, service, StringComparison.OrdinalIgnoreCase))!;
}
