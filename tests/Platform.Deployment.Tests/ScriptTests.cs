using System.Diagnostics;

namespace Platform.Deployment.Tests;

public sealed class ScriptTests
{
    [Theory]
    [InlineData("infra/local/up")]
    [InlineData("infra/local/deps.sh")]
    [InlineData("infra/docker/publish.sh")]
    [InlineData("infra/docker/publish-check.sh")]
    public async Task Script_parses_and_is_executable(string script)
    {
        var path = Repository.PathOf(script);
        Assert.True(OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, $"{script} is not executable.");

        using var process = Process.Start(new ProcessStartInfo("bash", ["-n", path]) { RedirectStandardError = true })!;
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"bash -n {script}: {errors}");
    }

    [Fact]
    public void Up_knows_every_service_and_its_port()
    {
        var up = Repository.Read("infra/local/up");
        foreach (var (service, port) in Platform.ServiceDefaults.PlatformServices.DefaultPorts)
        {
            Assert.Contains($"[{service}]={port}", up, StringComparison.Ordinal);
        }

        Assert.Contains(HealthEndpoints.Ready, up, StringComparison.Ordinal);
    }
}
