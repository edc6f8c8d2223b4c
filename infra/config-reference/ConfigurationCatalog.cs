using System.Reflection;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.ConfigurationReference;

/// <summary>
/// Every setting the platform reads, with its environment variable, type, default and readers,
/// built from the code itself: options classes (reflection), their doc comments, and a scan of the
/// sources for configuration reads outside options classes. docs/configuration.md is written from
/// it and tests/Platform.Deployment.Tests checks manifests, Dockerfiles and the AppHost against it.
/// </summary>
public sealed class ConfigurationCatalog
{
    public const string StandaloneHost = "standalone";

    private ConfigurationCatalog(IReadOnlyList<Setting> settings) => Settings = settings;

    public IReadOnlyList<Setting> Settings { get; }

    /// <summary>The setting an environment variable sets (<c>Bus__RabbitMq__Host</c>, <c>ASPNETCORE_URLS</c>), or null.</summary>
    public Setting? FindByEnvironmentVariable(string name)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        return Settings.FirstOrDefault(s => s with { Key = s.EnvironmentVariable.Replace("__", ":", StringComparison.Ordinal) } is var byEnv && byEnv.Matches(key))
            ?? Settings.FirstOrDefault(s => s.Matches(key));
    }

    public static ConfigurationCatalog Load(string repositoryRoot)
    {
        var sources = SourceFiles.Load(repositoryRoot);
        var walker = new OptionsWalker(sources);
        var defaultsReaders = sources.ServicesCalling("AddServiceDefaults");
        var busReaders = sources.ServicesCalling("AddPlatformBus");
        var storageReaders = sources.ServicesCalling("AddServiceDatabase");
        var eventsReaders = sources.ServicesCalling("AddEvents");

        // Who reads the options classes of each assembly: a service's own, or every service that
        // calls the shared registration that binds them (and the standalone host, which hosts all).
        var assemblies = new List<(Assembly Assembly, IReadOnlyList<string> ReadBy, string Folder)>
        {
            (typeof(PlatformServices).Assembly, defaultsReaders, "shared/Platform.ServiceDefaults/"),
            (typeof(BusOptions).Assembly, busReaders, "shared/Platform.Messaging/"),
            (typeof(StorageOptions).Assembly, storageReaders, "shared/Platform.Storage/"),
            (typeof(Platform.Events.EventsOptions).Assembly, eventsReaders, "shared/Platform.Events/"),
            (typeof(Platform.Ingest.IngestModule).Assembly, [PlatformServices.Ingest], "services/Ingest/"),
            (typeof(Platform.Retrieval.RetrievalModule).Assembly, [PlatformServices.Retrieval], "services/Retrieval/"),
            (typeof(Platform.Inference.InferenceModule).Assembly, [PlatformServices.Inference], "services/Inference/"),
            (typeof(Platform.Agents.AgentsModule).Assembly, [PlatformServices.Agents], "services/Agents/"),
            (typeof(Platform.Billing.BillingModule).Assembly, [PlatformServices.Billing], "services/Billing/"),
            (typeof(Platform.SafetyGuard.SafetyGuardModule).Assembly, [PlatformServices.SafetyGuard], "services/SafetyGuard/"),
            (typeof(Platform.CadGenerator.CadGeneratorModule).Assembly, [PlatformServices.CadGenerator], "services/CadGenerator/"),
            (typeof(Platform.Standalone.StandaloneOptions).Assembly, [StandaloneHost], "aspire/Platform.Standalone/"),
        };

        var problems = new List<string>();
        var settings = new List<Setting>();
        var sectionsByType = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (assembly, readBy, _) in assemblies)
        {
            foreach (var type in assembly.GetTypes().Where(t => t.IsPublic && t.IsClass && !t.IsAbstract).OrderBy(t => t.FullName, StringComparer.Ordinal))
            {
                if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static) is not { IsLiteral: true } field ||
                    field.GetRawConstantValue() is not string section)
                {
                    continue;
                }

                sectionsByType[type.Name] = section;
                if (type.GetConstructor(Type.EmptyTypes) is null)
                {
                    problems.Add($"{type.FullName} (section {section}) has no public parameterless constructor, so its defaults cannot be read.");
                    continue;
                }

                settings.AddRange(walker.Walk(section, type, readBy));
            }
        }

        // Raw reads: each must be an options setting or a documented host setting.
        var reads = RawConfigurationReads.Find(sources, sectionsByType);
        var hostReaders = new Dictionary<string, SortedSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var read in reads)
        {
            if (settings.Any(s => s.Matches(read.Key)))
            {
                continue;
            }

            var host = HostSettings.Host.FirstOrDefault(h => string.Equals(h.Key, read.Key, StringComparison.OrdinalIgnoreCase));
            if (host is null)
            {
                problems.Add($"{read.Path}:{read.Line} reads configuration key '{read.Key}', which no options class binds and HostSettings.Host does not describe.");
                continue;
            }

            var owner = assemblies.FirstOrDefault(a => read.Path.StartsWith(a.Folder, StringComparison.Ordinal));
            if (owner.Assembly is null)
            {
                problems.Add($"{read.Path}:{read.Line} reads '{read.Key}' outside any known service or shared library.");
                continue;
            }

            if (!hostReaders.TryGetValue(host.Key, out var readers))
            {
                hostReaders[host.Key] = readers = new SortedSet<string>(StringComparer.Ordinal);
            }

            readers.UnionWith(owner.ReadBy);
        }

        foreach (var host in HostSettings.Host)
        {
            if (!hostReaders.TryGetValue(host.Key, out var readers))
            {
                problems.Add($"HostSettings.Host describes '{host.Key}' but no code reads it any more.");
                continue;
            }

            settings.Add(new Setting(host.Key, host.EnvironmentVariable, host.Type, host.Default, host.Description, Ordered(readers), SettingOrigin.Host));
        }

        foreach (var framework in HostSettings.Framework)
        {
            settings.Add(new Setting(framework.Key, framework.EnvironmentVariable, framework.Type, framework.Default, framework.Description, Ordered(defaultsReaders), SettingOrigin.Framework));
        }

        foreach (var unused in SupplementaryDescriptions.Unused(settings))
        {
            problems.Add($"SupplementaryDescriptions describes '{unused}', which is no setting any more.");
        }

        foreach (var duplicate in settings.GroupBy(s => s.Key, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"'{duplicate.Key}' is bound by more than one options class or listed twice.");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The configuration catalogue is inconsistent with the code:\n  " + string.Join("\n  ", problems));
        }

        return new ConfigurationCatalog([.. settings.Select(s => s with { ReadBy = Ordered(s.ReadBy) })]);
    }

    /// <summary>Services in port order (PlatformServices.All), then the standalone host.</summary>
    private static IReadOnlyList<string> Ordered(IEnumerable<string> readers)
    {
        var set = readers.ToHashSet(StringComparer.Ordinal);
        return [.. PlatformServices.All.Where(set.Contains), .. set.Where(r => !PlatformServices.All.Contains(r)).Order(StringComparer.Ordinal)];
    }
}
