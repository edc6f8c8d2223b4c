using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
// The Web SDK's implicit usings bring Microsoft.AspNetCore.Builder.SessionOptions into scope too.
using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace Platform.Foundation.Tests.OnnxRuntime;

/// <summary>
/// Proves that shared/Platform.OnnxRuntime (the C# API compiled from npm) finds its native library
/// in the output folder and computes what the model says. tiny_linear.onnx comes from
/// make_test_model.py; the weights below must match the ones there.
/// </summary>
public sealed class OnnxRuntimeTests
{
    private static readonly float[,] Weights =
    {
        { 0.5f, -1.0f },
        { 1.5f, 0.25f },
        { -2.0f, 0.75f },
    };

    private static readonly float[] Bias = { 0.1f, -0.2f };

    private const int InputWidth = 3;
    private const int OutputWidth = 2;

    private static string ModelPath => Path.Combine(AppContext.BaseDirectory, "OnnxRuntime", "tiny_linear.onnx");

    // Row 0 drives the first output negative, so a runtime that skipped Relu would fail here.
    private static readonly float[] BatchOfTwo =
    {
        1.0f, 2.0f, 3.0f,
        -1.0f, 0.5f, -0.25f,
    };

    [Fact]
    public void Session_computes_relu_of_affine_map_for_a_batch()
    {
        using var session = new InferenceSession(ModelPath);

        var actual = Run(session, BatchOfTwo, batch: 2);

        var expected = Reference(BatchOfTwo, batch: 2);
        Assert.Contains(0f, expected);
        AssertClose(expected, actual);
    }

    [Fact]
    public void Model_metadata_reports_names_and_dynamic_batch()
    {
        using var session = new InferenceSession(ModelPath);

        Assert.Equal(["X"], session.InputNames);
        Assert.Equal(["Y"], session.OutputNames);

        var input = session.InputMetadata["X"];
        Assert.Equal(TensorElementType.Float, input.ElementDataType);
        Assert.Equal([-1, InputWidth], input.Dimensions);
        Assert.Equal("batch", input.SymbolicDimensions[0]);

        var output = session.OutputMetadata["Y"];
        Assert.Equal(TensorElementType.Float, output.ElementDataType);
        Assert.Equal([-1, OutputWidth], output.Dimensions);
        Assert.Equal("batch", output.SymbolicDimensions[0]);
    }

    [Fact]
    public void Environment_offers_the_cpu_provider()
    {
        var env = OrtEnv.Instance();

        Assert.Contains("CPUExecutionProvider", env.GetAvailableProviders());
        Assert.False(string.IsNullOrWhiteSpace(env.GetVersionString()));
    }

    [Fact]
    public void Asking_for_cuda_without_cuda_fails_clearly_and_cpu_still_works()
    {
        // The cpu flavour's core has no CUDA entry point at all (EntryPointNotFoundException or an
        // OnnxRuntimeException saying CUDA is not in this build); the gpu flavour's core has it but
        // cannot load the CUDA 13 libraries (OnnxRuntimeException naming what is missing).
        var failure = Record.Exception(() =>
        {
            using var cudaOptions = new OrtCUDAProviderOptions();
            using var options = SessionOptions.MakeSessionOptionWithCudaProvider(cudaOptions);
            using var session = new InferenceSession(ModelPath, options);
        });
        if (failure is null)
        {
            Assert.Skip("CUDA is usable on this machine, so there is no failure to observe.");
        }

        Assert.True(
            failure is OnnxRuntimeException or EntryPointNotFoundException,
            $"Unexpected {failure.GetType()}: {failure.Message}");
        Assert.Contains("CUDA", failure.Message, StringComparison.OrdinalIgnoreCase);

        // A failed provider request must not poison the process-wide environment.
        using var cpuOptions = new SessionOptions();
        cpuOptions.AppendExecutionProvider_CPU();
        using var cpuSession = new InferenceSession(ModelPath, cpuOptions);
        AssertClose(Reference(BatchOfTwo, batch: 2), Run(cpuSession, BatchOfTwo, batch: 2));
    }

    private static float[] Run(InferenceSession session, float[] input, int batch)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, [batch, InputWidth]);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, ["X"], [inputValue], ["Y"]);

        var output = outputs[0];
        Assert.Equal([batch, OutputWidth], output.GetTensorTypeAndShape().Shape);
        return output.GetTensorDataAsSpan<float>().ToArray();
    }

    // MLAS may sum in another order than the loop below, so equality is up to float rounding.
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    private static float[] Reference(float[] input, int batch)
    {
        var result = new float[batch * OutputWidth];
        for (var row = 0; row < batch; row++)
        {
            for (var col = 0; col < OutputWidth; col++)
            {
                var sum = Bias[col];
                for (var k = 0; k < InputWidth; k++)
                {
                    sum += input[(row * InputWidth) + k] * Weights[k, col];
                }

                result[(row * OutputWidth) + col] = Math.Max(0f, sum);
            }
        }

        return result;
    }
}
