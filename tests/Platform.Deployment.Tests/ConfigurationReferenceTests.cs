using Platform.ConfigurationReference;
using Platform.ServiceDefaults;

namespace Platform.Deployment.Tests;

public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void Reference_document_matches_the_code()
    {
        var generated = ReferenceWriter.Write(Repository.Catalog);
        var path = Repository.PathOf(ReferenceWriter.DocumentPath);
        var current = File.Exists(path) ? File.ReadAllText(path) : "";

        Assert.True(current == generated,
            $"{ReferenceWriter.DocumentPath} is stale: run `dotnet run --project infra/config-reference` and commit the result.");
    }

    [Fact]
    public void Options_settings_carry_the_code_defaults_and_their_readers()
    {
        var catalog = Repository.Catalog;

        var host = catalog.FindByEnvironmentVariable("Bus__RabbitMq__Host")!;
        Assert.Equal("Bus:RabbitMq:Host", host.Key);
        Assert.Equal("127.0.0.1", host.Default);
        Assert.Equal(PlatformServices.All, host.ReadBy);

        var retries = catalog.FindByEnvironmentVariable("Bus__RetryIntervalsMs__2")!;
        Assert.Equal("Bus:RetryIntervalsMs:<n>", retries.Key);
        Assert.Equal("50, 200, 1000", retries.Default);

        var qdrant = catalog.FindByEnvironmentVariable("Retrieval__Qdrant__Url")!;
        Assert.Equal([PlatformServices.Retrieval], qdrant.ReadBy);

        var route = catalog.FindByEnvironmentVariable("Inference__Upstream__Routes__local__TimeoutMs")!;
        Assert.Equal("Inference:Upstream:Routes:<route>:TimeoutMs", route.Key);
        Assert.Equal("60000", route.Default);
        Assert.Equal([PlatformServices.Inference], route.ReadBy);

        var ports = catalog.FindByEnvironmentVariable("Standalone__Ports__billing")!;
        Assert.Equal([ConfigurationCatalog.StandaloneHost], ports.ReadBy);
    }

    [Fact]
    public void Keys_the_code_reads_directly_are_catalogued_with_their_environment_variables()
    {
        var catalog = Repository.Catalog;

        Assert.Equal("urls", catalog.FindByEnvironmentVariable("ASPNETCORE_URLS")!.Key);
        Assert.Equal(SettingOrigin.Host, catalog.FindByEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")!.Origin);
        var connection = catalog.FindByEnvironmentVariable("ConnectionStrings__billing")!;
        Assert.Equal("ConnectionStrings:<service>", connection.Key);
        Assert.Equal(PlatformServices.All, connection.ReadBy);
    }

    [Fact]
    public void Unknown_and_misspelled_environment_variables_are_not_settings()
    {
        var catalog = Repository.Catalog;

        Assert.Null(catalog.FindByEnvironmentVariable("Bus__RabbitMQ__Hostname"));
        Assert.Null(catalog.FindByEnvironmentVariable("Retrieval__Qdrant"));
        Assert.Null(catalog.FindByEnvironmentVariable("Inference__Upstream__Routes____BaseUrl"));
        Assert.Null(catalog.FindByEnvironmentVariable("DATABASE_URL"));
    }

    [Fact]
    public void Every_setting_says_what_it_means()
    {
        var undocumented = Repository.Catalog.Settings.Where(s => s.Description.Length == 0).Select(s => s.Key).ToList();

        Assert.True(undocumented.Count == 0,
            "Settings without a doc comment (write one on the property, or add a line to infra/config-reference/SupplementaryDescriptions.cs): " +
            string.Join(", ", undocumented));
    }
}
