using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Platform.ServiceDefaults;

namespace Platform.Deployment.Tests;

public sealed partial class DockerfileTests
{
    public static TheoryData<string> Services => [.. PlatformServices.All];

    [Theory]
    [MemberData(nameof(Services))]
    public void Image_is_multi_stage_non_root_healthy_and_listens_on_the_service_port(string service)
    {
        var folder = Repository.FolderOf(service);
        var dockerfile = Dockerfile.Load($"services/{folder}/Dockerfile");
        var port = PlatformServices.DefaultPorts[service].ToString();
        var runtime = dockerfile.Stages[^1];

        Assert.True(dockerfile.Stages.Count >= 2, "multi-stage: an SDK build stage and a runtime stage");
        Assert.Contains("DOTNET_SDK_IMAGE", dockerfile.Stages[0].From, StringComparison.Ordinal);
        Assert.Contains(dockerfile.Stages[0].Instructions, i => i.Keyword == "RUN" && i.Arguments.EndsWith($"infra/docker/publish.sh {folder} /app", StringComparison.Ordinal));
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile.BaseImage(runtime));

        Assert.Equal("$APP_UID", runtime.Last("USER"));
        Assert.Equal(port, runtime.Last("EXPOSE"));
        Assert.Equal($"[\"dotnet\", \"Platform.{folder}.dll\"]", runtime.Last("ENTRYPOINT"));
        Assert.Matches($@"curl -fsS -o /dev/null http://127\.0\.0\.1:{port}{Regex.Escape(HealthEndpoints.Live)}", runtime.Last("HEALTHCHECK"));
        Assert.Equal(port, runtime.Environment["ASPNETCORE_HTTP_PORTS"]);
        foreach (var stage in dockerfile.Stages)
        {
            foreach (var name in stage.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)))
            {
                SettingAssert.ReadBy(name, service, $"services/{folder}/Dockerfile");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Build_stage_copies_every_project_the_service_references(string service)
    {
        var folder = Repository.FolderOf(service);
        var build = Dockerfile.Load($"services/{folder}/Dockerfile").Stages[0];
        var copied = build.Instructions.Where(i => i.Keyword == "COPY").SelectMany(i => i.Arguments.Split(' ')[..^1]).ToList();

        foreach (var project in ProjectClosure($"services/{folder}/Platform.{folder}.csproj"))
        {
            Assert.True(copied.Any(c => project == c || project.StartsWith(c.TrimEnd('/') + "/", StringComparison.Ordinal)),
                $"services/{folder}/Dockerfile does not copy {project}, which the service's build needs.");
        }

        foreach (var file in new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", "infra/docker/publish.sh" })
        {
            Assert.Contains(file, copied);
        }

        // Projects that install pinned npm packages at build time need npm in the build stage.
        var needsNpm = ProjectClosure($"services/{folder}/Platform.{folder}.csproj")
            .Where(p => p.EndsWith(".csproj", StringComparison.Ordinal))
            .Any(p => Directory.EnumerateFiles(Path.GetDirectoryName(Repository.PathOf(p))!, "package-lock.json", SearchOption.AllDirectories)
                .Any(f => !f.Contains("node_modules", StringComparison.Ordinal)));
        var installsNpm = build.Instructions.Any(i => i.Keyword == "RUN" && i.Arguments.Contains("apt-get install", StringComparison.Ordinal) && i.Arguments.Contains(" npm", StringComparison.Ordinal));
        Assert.True(needsNpm == installsNpm, needsNpm
            ? $"services/{folder}'s build runs npm ci (a package-lock.json in its project closure) but its Dockerfile's build stage installs no npm."
            : $"services/{folder}/Dockerfile installs npm though nothing in its build uses it.");
    }

    [Fact]
    public void CadGenerator_image_has_openscad_and_bubblewrap_where_its_settings_point()
    {
        var runtime = Dockerfile.Load("services/CadGenerator/Dockerfile").Stages[^1];
        var install = string.Join(' ', runtime.Instructions.Where(i => i.Keyword == "RUN").Select(i => i.Arguments));
        Assert.Contains("openscad", install, StringComparison.Ordinal);
        Assert.Contains("bubblewrap", install, StringComparison.Ordinal);

        // Debian and Ubuntu install them to /usr/bin, which is what the settings default to.
        Assert.Equal("/usr/bin/openscad", Repository.Catalog.FindByEnvironmentVariable("CadGenerator__Rendering__OpenScadPath")!.Default);
        Assert.Equal("/usr/bin/bwrap", Repository.Catalog.FindByEnvironmentVariable("CadGenerator__Rendering__BubblewrapPath")!.Default);
    }

    [Fact]
    public void Inference_has_a_gpu_target_on_cuda_with_the_gpu_onnx_runtime()
    {
        var dockerfile = Dockerfile.Load("services/Inference/Dockerfile");
        var gpu = dockerfile.Stages.Single(s => s.Name == "gpu");
        Assert.StartsWith("nvidia/cuda:13.", dockerfile.BaseImage(gpu));
        Assert.Contains(dockerfile.Stages, s => s.Instructions.Any(i => i.Keyword == "RUN" && i.Arguments.EndsWith("publish.sh Inference /app-gpu --gpu", StringComparison.Ordinal)));
        Assert.Equal("$APP_UID", gpu.Last("USER"));
        Assert.Equal("cuda", gpu.Environment["Inference__Device"]);
        SettingAssert.ReadBy("Inference__Device", PlatformServices.Inference, "services/Inference/Dockerfile (gpu)");
        // The CPU image stays the default: it is the last stage.
        Assert.Equal("runtime", dockerfile.Stages[^1].Name);
    }

    [Fact]
    public void Dockerignore_keeps_build_output_and_node_modules_out_of_the_context()
    {
        var lines = Repository.Read(".dockerignore").Split('\n').Select(l => l.Trim()).ToList();
        Assert.Contains("**/bin/", lines);
        Assert.Contains("**/obj/", lines);
        Assert.Contains("**/node_modules/", lines);
        Assert.Contains(".git/", lines);
    }

    /// <summary>
    /// What the Inference image's build stage runs, run here without Docker: publish and check the
    /// output (entry assembly, SQLite's and ONNX Runtime's native libraries, models, vocabulary).
    /// The other six run in infra/docker/publish-check.sh.
    /// </summary>
    [Fact]
    public async Task Inference_publish_step_produces_a_complete_image_payload()
    {
        var output = Path.Combine(Path.GetTempPath(), $"platform-publish-{Guid.NewGuid():N}");
        // Intermediates are kept per checkout, so a second run on a developer's machine is incremental.
        var checkout = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Repository.Root)))[..12];
        var artifacts = Path.Combine(Path.GetTempPath(), "platform-deployment-tests", checkout, "inference.artifacts");
        try
        {
            var start = new ProcessStartInfo("bash", [Repository.PathOf("infra/docker/publish.sh"), "Inference", output])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                Environment = { ["PUBLISH_ARTIFACTS"] = artifacts },
            };
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);

            Assert.True(process.ExitCode == 0, $"publish.sh Inference failed:\n{await stdout}\n{await stderr}");
            Assert.True(new FileInfo(Path.Combine(output, "libonnxruntime.so")).Length > 1_000_000);
            Assert.True(File.Exists(Path.Combine(output, "Platform.Inference.dll")));
            Assert.True(File.Exists(Path.Combine(output, "libe_sqlite3.so")));
            Assert.True(File.Exists(Path.Combine(output, "models", "platform-embed-256", "manifest.json")));
            // linux-x64 only: no other platform's native libraries in the image.
            Assert.False(Directory.Exists(Path.Combine(output, "runtimes")));
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    /// <summary>
    /// Every project file a project references, directly or not, relative to the repository, with the files
    /// outside their folders that they import or link.
    /// </summary>
    private static IReadOnlyList<string> ProjectClosure(string project)
    {
        var seen = new SortedSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (!seen.Add(current))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Repository.PathOf(current))!;
            foreach (var reference in XDocument.Load(Repository.PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(Repository.Root, full).Replace('\\', '/'));
            }

            // Files linked from outside the project's folder (Ingest's copy of the embedding vocabulary) too.
            var projectFolder = Path.GetRelativePath(Repository.Root, directory).Replace('\\', '/') + "/";
            foreach (var item in XDocument.Load(Repository.PathOf(current)).Descendants().Where(e => e.Name.LocalName is "None" or "Content" or "Compile"))
            {
                var include = item.Attribute("Include")?.Value;
                if (include is null || include.Contains('$') || include.Contains('*'))
                {
                    continue;
                }

                var file = Path.GetRelativePath(Repository.Root, Path.GetFullPath(Path.Combine(directory, include.Replace('\\', '/')))).Replace('\\', '/');
                if (!file.StartsWith(projectFolder, StringComparison.Ordinal))
                {
                    seen.Add(file);
                }
            }

            // Imported .targets files (e.g. Inference's GPT-2 vocabulary) are part of the build too.
            foreach (var import in XDocument.Load(Repository.PathOf(current)).Descendants("Import"))
            {
                var full = Path.GetFullPath(Path.Combine(directory, import.Attribute("Project")!.Value.Replace('\\', '/')));
                seen.Add(Path.GetRelativePath(Repository.Root, full).Replace('\\', '/'));
            }
        }

        return [.. seen];
    }
}
