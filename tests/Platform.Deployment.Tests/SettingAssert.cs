using Platform.ConfigurationReference;

namespace Platform.Deployment.Tests;

public static class SettingAssert
{
    /// <summary>
    /// Fails unless <paramref name="environmentVariable"/> sets a setting that <paramref name="service"/>
    /// reads, so a renamed or removed setting breaks this test instead of silently doing nothing.
    /// </summary>
    public static Setting ReadBy(string environmentVariable, string service, string where)
    {
        var setting = Repository.Catalog.FindByEnvironmentVariable(environmentVariable);
        Assert.True(setting is not null,
            $"{where}: {environmentVariable} is no setting of the platform (docs/configuration.md lists them all).");
        Assert.True(setting.ReadBy.Contains(service),
            $"{where}: {environmentVariable} ({setting.Key}) is not read by {service}, only by {string.Join(", ", setting.ReadBy)}.");
        return setting;
    }
}
