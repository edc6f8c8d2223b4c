using System.Text.Json;
using Platform.Inference.Models;
using Xunit;

namespace Platform.Inference.Tests.Onnx;

/// <summary>Inference:Device on a machine without CUDA (the CPU build of ONNX Runtime cannot load it).</summary>
public sealed class DeviceTests
{
    [Fact]
    public async Task Cuda_refuses_to_start_with_the_reason()
    {
        var failure = await Assert.ThrowsAsync<CudaUnavailableException>(
            () => OnnxHost.StartAsync(new Dictionary<string, string?> { ["Inference:Device"] = "cuda" }));

        Assert.Contains("Inference:Device is 'cuda'", failure.Message);
        // The first model loaded names itself: the shipped classifier or the default embedder.
        Assert.True(failure.Message.Contains(DefaultModel.Name) || failure.Message.Contains(ShippedClassifier.Name), failure.Message);
    }

    [Fact]
    public async Task Auto_falls_back_to_the_cpu_and_says_so_in_models()
    {
        await using var host = await OnnxHost.StartAsync(new Dictionary<string, string?> { ["Inference:Device"] = "auto" });

        using var model = JsonDocument.Parse(await host.Client.GetStringAsync($"/v1/models/{DefaultModel.Name}", TestContext.Current.CancellationToken));
        Assert.Equal("cpu", model.RootElement.GetProperty("executionProvider").GetString());
    }
}
