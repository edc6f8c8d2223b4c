using System.Text.RegularExpressions;
using Platform.ServiceDefaults;

namespace Platform.Deployment.Tests;

/// <summary>
/// aspire/Platform.AppHost cannot be compiled on the build machines (Aspire's packages are not in their
/// NuGet copy), so its source is checked instead: resource names, ports, health paths, environment
/// variables and connection names against the services' real configuration.
/// </summary>
public sealed partial class AppHostTests
{
    private const string AppHostFolder = "aspire/Platform.AppHost";
    private static readonly string Source = Repository.Read($"{AppHostFolder}/AppHost.cs");

    [Fact]
    public void Composes_the_seven_services_with_their_ports_and_projects()
    {
        var services = AddServiceCall().Matches(Source).Select(m => (Name: m.Groups[1].Value, Folder: m.Groups[2].Value, Port: int.Parse(m.Groups[3].Value))).ToList();

        Assert.Equal(PlatformServices.All.Order(), services.Select(s => s.Name).Order());
        foreach (var (name, folder, port) in services)
        {
            Assert.Equal(PlatformServices.DefaultPorts[name], port);
            Assert.True(File.Exists(Repository.PathOf($"services/{folder}/Platform.{folder}.csproj")), $"AddService(\"{name}\") names a missing project folder {folder}.");
        }

        Assert.Contains("builder.AddProject(name, $\"../../services/{folder}/Platform.{folder}.csproj\")", Source, StringComparison.Ordinal);
        Assert.Contains(".WithHttpEndpoint(port: port, name: \"http\")", Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Waits_for_servers_and_checks_readiness_on_the_services_real_path()
    {
        Assert.Contains($".WithHttpHealthCheck(\"{HealthEndpoints.Ready}\")", Source, StringComparison.Ordinal);
        Assert.Contains("builder.AddRabbitMQ(\"rabbitmq\"", Source, StringComparison.Ordinal);
        Assert.Contains("builder.AddPostgres(\"postgres\")", Source, StringComparison.Ordinal);
        Assert.Contains("builder.AddQdrant(\"qdrant\")", Source, StringComparison.Ordinal);
        Assert.Contains(".WaitFor(rabbitmq)", Source, StringComparison.Ordinal);
        Assert.Contains(".WaitFor(database)", Source, StringComparison.Ordinal);
        Assert.Contains(".WaitFor(qdrant)", Source, StringComparison.Ordinal);
    }

    [Fact]
    public void Environment_variables_and_connection_names_are_settings_their_services_read()
    {
        // Inside AddService: every service gets them. After AddService("x", ...): only x.
        var body = Source[Source.IndexOf("IResourceBuilder<ProjectResource> AddService(", StringComparison.Ordinal)..];
        body = body[..body.IndexOf("\n}", StringComparison.Ordinal)];
        var common = WithEnvironment().Matches(body).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(common);
        foreach (var service in PlatformServices.All)
        {
            foreach (var name in common)
            {
                SettingAssert.ReadBy(name, service, $"{AppHostFolder}/AppHost.cs (AddService)");
            }

            // WithReference(database, connectionName: name) becomes ConnectionStrings__<service>.
            SettingAssert.ReadBy($"ConnectionStrings__{service}", service, $"{AppHostFolder}/AppHost.cs (WithReference)");
        }

        Assert.Contains(".WithReference(database, connectionName: name)", body, StringComparison.Ordinal);

        var perService = 0;
        foreach (Match call in AddServiceStatement().Matches(Source))
        {
            foreach (Match env in WithEnvironment().Matches(call.Groups[2].Value))
            {
                SettingAssert.ReadBy(env.Groups[1].Value, call.Groups[1].Value, $"{AppHostFolder}/AppHost.cs (AddService(\"{call.Groups[1].Value}\"))");
                perService++;
            }
        }

        Assert.True(perService >= 3, "Retrieval's Qdrant settings are no longer passed by the AppHost.");
    }

    [Fact]
    public void Stays_out_of_the_solution_build()
    {
        var solution = Repository.Read("Platform.sln");
        Assert.DoesNotContain("Platform.AppHost", solution, StringComparison.Ordinal);
        Assert.Contains("Sdk=\"Aspire.AppHost.Sdk/", Repository.Read($"{AppHostFolder}/Platform.AppHost.csproj"), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"AddService\(""([a-z]+)"", ""([A-Za-z]+)"", (\d+)\)")]
    private static partial Regex AddServiceCall();

    // AddService("retrieval", ...) and the chained calls up to the end of the statement.
    [GeneratedRegex(@"AddService\(""([a-z]+)"", ""[A-Za-z]+"", \d+\)([^;]*);")]
    private static partial Regex AddServiceStatement();

    [GeneratedRegex(@"\.WithEnvironment\(""([^""]+)""")]
    private static partial Regex WithEnvironment();
}
