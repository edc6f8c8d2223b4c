using System.Diagnostics;
using Platform.ServiceDefaults;
using YamlDotNet.RepresentationModel;

namespace Platform.Deployment.Tests;

public sealed class KubernetesManifestTests
{
    public static TheoryData<string> Services => [.. PlatformServices.All];

    private static readonly Manifests K8s = Manifests.All;

    [Fact]
    public void Every_file_is_a_named_object_a_kustomization_or_a_json_patch_and_every_one_is_used()
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kustomization in K8s.Objects("Kustomization"))
        {
            var folder = Path.GetDirectoryName(kustomization.File)!;
            var entries = kustomization.Node.Items("resources").Select(n => ((YamlScalarNode)n).Value!)
                .Concat(kustomization.Node.Items("patches").Select(p => p.Text("path")).OfType<string>());
            foreach (var entry in entries)
            {
                var path = Path.GetFullPath(Path.Combine(Repository.Root, folder, entry));
                Assert.True(File.Exists(path) || File.Exists(Path.Combine(path, "kustomization.yaml")),
                    $"{kustomization.File} lists {entry}, which does not exist.");
                referenced.Add(Path.GetRelativePath(Repository.Root, File.Exists(path) ? path : Path.Combine(path, "kustomization.yaml")).Replace('\\', '/'));
            }
        }

        foreach (var document in K8s.Documents)
        {
            if (document.IsJsonPatch)
            {
                foreach (var op in document.Node.Items())
                {
                    Assert.Contains(op.Text("op"), new[] { "add", "replace", "remove" });
                    Assert.StartsWith("/", op.Text("path"));
                }
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(document.Node.Text("apiVersion")), $"{document} has no apiVersion.");
                Assert.False(string.IsNullOrEmpty(document.Kind), $"{document} has no kind.");
                Assert.True(document.Kind == "Kustomization" || !string.IsNullOrEmpty(document.Name), $"{document} has no metadata.name.");
            }

            // The overlays' kustomization.yaml files are the entry points; everything else is listed by one.
            var entryPoint = document.Kind == "Kustomization" && document.File.StartsWith("infra/k8s/overlays/", StringComparison.Ordinal);
            Assert.True(entryPoint || referenced.Contains(document.File), $"{document.File} is not listed by any kustomization.yaml.");
        }
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Each_service_has_deployment_service_configmap_pdb_hpa_and_network_policy(string service)
    {
        var port = PlatformServices.DefaultPorts[service];
        var folder = $"infra/k8s/base/services/{service}/";

        var deployment = K8s.Single("Deployment", service, folder);
        var container = Assert.Single(deployment.Node.Items("spec", "template", "spec", "containers"));
        Assert.Equal($"platform/{service}:latest", container.Text("image"));
        var http = Assert.Single(container.Items("ports"));
        Assert.Equal("http", http.Text("name"));
        Assert.Equal(port.ToString(), http.Text("containerPort"));
        Assert.Equal(service, deployment.Node.Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));

        Assert.Equal(HealthEndpoints.Live, container.Text("startupProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.Live, container.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.Ready, container.Text("readinessProbe", "httpGet", "path"));
        foreach (var probe in new[] { "startupProbe", "livenessProbe", "readinessProbe" })
        {
            Assert.Equal("http", container.Text(probe, "httpGet", "port"));
        }

        foreach (var bound in new[] { "requests", "limits" })
        {
            Assert.NotNull(container.Text("resources", bound, "cpu"));
            Assert.NotNull(container.Text("resources", bound, "memory"));
        }

        Assert.Equal("true", container.Text("securityContext", "runAsNonRoot"));
        Assert.Equal("1654", container.Text("securityContext", "runAsUser"));

        var svc = K8s.Single("Service", service, folder);
        Assert.Equal(service, svc.Node.Text("spec", "selector", "app.kubernetes.io/name"));
        var servicePort = Assert.Single(svc.Node.Items("spec", "ports"));
        Assert.Equal(port.ToString(), servicePort.Text("port"));
        Assert.Equal("http", servicePort.Text("targetPort"));

        Assert.Equal($"{service}-config", K8s.Single("ConfigMap", $"{service}-config", folder).Name);
        Assert.Equal(service, K8s.Single("PodDisruptionBudget", service, folder).Node.Text("spec", "selector", "matchLabels", "app.kubernetes.io/name"));

        var hpa = K8s.Single("HorizontalPodAutoscaler", service, folder);
        Assert.Equal("Deployment", hpa.Node.Text("spec", "scaleTargetRef", "kind"));
        Assert.Equal(service, hpa.Node.Text("spec", "scaleTargetRef", "name"));
        Assert.True(int.Parse(hpa.Node.Text("spec", "minReplicas")!) <= int.Parse(hpa.Node.Text("spec", "maxReplicas")!));

        var policy = K8s.Single("NetworkPolicy", service, folder);
        Assert.Equal(service, policy.Node.Text("spec", "podSelector", "matchLabels", "app.kubernetes.io/name"));
        var ingressPorts = policy.Node.Items("spec", "ingress").SelectMany(i => i.Items("ports")).Select(p => p.Text("port")).ToList();
        Assert.Equal([port.ToString()], ingressPorts);
        var egressTargets = policy.Node.Items("spec", "egress")
            .SelectMany(rule => rule.Items("to").Select(to => (
                Target: to.Text("podSelector", "matchLabels", "app.kubernetes.io/name"),
                Ports: rule.Items("ports").Select(p => p.Text("port")).ToList())))
            .Where(t => t.Target is not null)
            .ToDictionary(t => t.Target!, t => t.Ports);
        Assert.Equal(["5672"], egressTargets["rabbitmq"]);
        Assert.Equal(["5432"], egressTargets["postgres"]);
        Assert.Equal(service == PlatformServices.Retrieval, egressTargets.ContainsKey("qdrant"));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Environment_a_service_gets_from_manifests_is_only_settings_it_reads(string service)
    {
        var deployments = K8s.Objects("Deployment").Where(d => d.Name == service).ToList();
        Assert.NotEmpty(deployments);
        var checkedNames = 0;
        foreach (var deployment in deployments)
        {
            foreach (var container in deployment.Node.Items("spec", "template", "spec", "containers"))
            {
                foreach (var env in container.Items("env"))
                {
                    SettingAssert.ReadBy(env.Text("name")!, service, deployment.File);
                    checkedNames++;
                }

                foreach (var source in container.Items("envFrom"))
                {
                    if (source.Text("configMapRef", "name") is { } configMap)
                    {
                        var maps = K8s.Objects("ConfigMap").Where(c => c.Name == configMap).ToList();
                        Assert.True(maps.Count > 0, $"{deployment.File}: ConfigMap {configMap} is not defined.");
                        foreach (var map in maps)
                        {
                            foreach (var (key, _) in map.Node.Entries("data"))
                            {
                                SettingAssert.ReadBy(key, service, $"{map.File} (ConfigMap {configMap})");
                                checkedNames++;
                            }
                        }
                    }

                    if (source.Text("secretRef", "name") is { } secret)
                    {
                        var keys = SecretKeys(secret).ToList();
                        Assert.True(keys.Count > 0, $"{deployment.File}: Secret {secret} is generated by no overlay.");
                        foreach (var (file, key) in keys)
                        {
                            SettingAssert.ReadBy(key, service, $"{file} (Secret {secret})");
                            checkedNames++;
                        }
                    }
                }
            }
        }

        Assert.True(checkedNames > 5, $"only {checkedNames} variables found for {service}: the manifests lost their configuration.");
    }

    [Fact]
    public void Servers_run_as_stateful_sets_behind_default_deny_policies()
    {
        foreach (var (name, port) in new[] { ("rabbitmq", 5672), ("postgres", 5432), ("qdrant", 6333) })
        {
            var set = K8s.Single("StatefulSet", name);
            Assert.Single(set.Node.Items("spec", "volumeClaimTemplates"));
            var container = Assert.Single(set.Node.Items("spec", "template", "spec", "containers"));
            Assert.Contains(port.ToString(), container.Items("ports").Select(p => p.Text("containerPort")));
            Assert.Contains(port.ToString(), K8s.Single("Service", name).Node.Items("spec", "ports").Select(p => p.Text("port")));

            var policy = K8s.Single("NetworkPolicy", name);
            var ingress = Assert.Single(policy.Node.Items("spec", "ingress"));
            Assert.Equal([port.ToString()], ingress.Items("ports").Select(p => p.Text("port")));
        }

        var qdrantClients = Assert.Single(K8s.Single("NetworkPolicy", "qdrant").Node.Items("spec", "ingress")).Items("from")
            .Select(f => f.Text("podSelector", "matchLabels", "app.kubernetes.io/name"));
        Assert.Equal([PlatformServices.Retrieval], qdrantClients);

        var deny = K8s.Single("NetworkPolicy", "default-deny");
        Assert.Empty(deny.Node.Entries("spec", "podSelector"));
        Assert.Equal(["Ingress", "Egress"], deny.Node.Items("spec", "policyTypes").Select(t => ((YamlScalarNode)t).Value));
    }

    [Fact]
    public void Production_runs_inference_on_gpu_nodes_with_cuda()
    {
        var patch = K8s.Single("Deployment", PlatformServices.Inference, "infra/k8s/overlays/prod/");
        var spec = patch.Node.At("spec", "template", "spec");
        Assert.Equal("true", spec.Text("nodeSelector", "nvidia.com/gpu.present"));
        Assert.Contains("nvidia.com/gpu", spec.Items("tolerations").Select(t => t.Text("key")));
        var container = Assert.Single(spec.Items("containers"));
        Assert.Equal("1", container.Text("resources", "limits", "nvidia.com/gpu"));

        var device = Assert.Single(container.Items("env"), e => e.Text("name") == "Inference__Device");
        var setting = SettingAssert.ReadBy("Inference__Device", PlatformServices.Inference, patch.File);
        Assert.Contains("Cuda", setting.Type, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("cuda", device.Text("value"));

        var kustomization = K8s.Documents.Single(d => d.File == "infra/k8s/overlays/prod/kustomization.yaml");
        var image = Assert.Single(kustomization.Node.Items("images"),
            i => i.Text("name") == "platform/inference");
        Assert.EndsWith("-gpu", image.Text("newTag"));
    }

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Overlays_render_with_kustomize(string overlay)
    {
        var kubectl = FindOnPath("kubectl");
        if (kubectl is null)
        {
            Assert.Skip("kubectl is not on PATH: the overlays were checked file by file only (the other tests), not rendered.");
        }

        var start = new ProcessStartInfo(kubectl, ["kustomize", Repository.PathOf($"infra/k8s/overlays/{overlay}")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var error = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"kubectl kustomize {overlay} failed: {await error}");

        var rendered = Yaml.LoadAll(await output);
        var ns = overlay == "prod" ? "platform" : "platform-dev";
        var deployments = rendered.Where(d => d.Text("kind") == "Deployment").ToList();
        Assert.Equal(PlatformServices.All.Order(), deployments.Select(d => d.Text("metadata", "name")!).Order());
        Assert.All(rendered.Where(d => d.Text("kind") != "Namespace"), d => Assert.Equal(ns, d.Text("metadata", "namespace")));
        Assert.Equal(3, rendered.Count(d => d.Text("kind") == "StatefulSet"));

        var inference = deployments.Single(d => d.Text("metadata", "name") == PlatformServices.Inference);
        var container = Assert.Single(inference.Items("spec", "template", "spec", "containers"));
        // The overlay's patches merge into the base: its own settings and the base's stay together.
        Assert.Equal(3, container.Items("envFrom").Count());
        Assert.Contains("ASPNETCORE_HTTP_PORTS", container.Items("env").Select(e => e.Text("name")));
        if (overlay == "prod")
        {
            Assert.Equal("1", container.Text("resources", "limits", "nvidia.com/gpu"));
            Assert.EndsWith(":1.0.0-gpu", container.Text("image"));
        }
        else
        {
            Assert.Null(container.At("resources", "limits", "nvidia.com/gpu"));
            Assert.All(deployments, d => Assert.Equal("1", d.Text("spec", "replicas")));
            Assert.Equal(3, rendered.Count(d => d.Text("kind") == "Secret"));
        }
    }

    /// <summary>Keys of a Secret as the overlays generate it (secretGenerator literals), with the file they come from.</summary>
    private static IEnumerable<(string File, string Key)> SecretKeys(string name) =>
        K8s.Objects("Kustomization")
            .SelectMany(k => k.Node.Items("secretGenerator").Where(g => g.Text("name") == name)
                .SelectMany(g => g.Items("literals").Select(l => (k.File, ((YamlScalarNode)l).Value!.Split('=', 2)[0]))));

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
}
