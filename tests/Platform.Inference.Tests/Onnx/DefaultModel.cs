using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Inference.Batching;
using Platform.Inference.Models;
using Platform.Tokenizers.WordPiece;

namespace Platform.Inference.Tests.Onnx;

/// <summary>The shipped default embedding model, loaded from the test output's models/ folder on the real ONNX Runtime (CPU).</summary>
public static class DefaultModel
{
    public const string Name = "platform-embed-256";

    public static string Folder => Path.Combine(AppContext.BaseDirectory, "models", Name);

    public static ModelDescriptor Descriptor()
    {
        var entry = ModelManifestReader.Read(Folder);
        return entry.Model ?? throw new InvalidOperationException($"{Folder}: {entry.Reason}");
    }

    public static OnnxModel Load()
    {
        var descriptor = Descriptor();
        var options = Options.Create(new InferenceOptions { Device = ExecutionDevice.Cpu });
        var (session, provider) = new OnnxSessionFactory(options, NullLogger<OnnxSessionFactory>.Instance).Open(descriptor);
        return new OnnxModel(descriptor, session, WordPieceTokenizer.Load(descriptor.Tokenizer!.VocabPath, lowercase: true), provider);
    }

    public static ModelBatcher Batcher(BatchingOptions options) => new(Load(), options, NullLogger<ModelBatcher>.Instance);

    public static int[] Encode(OnnxModel model, string text) => model.Tokenizer.Encode(text, model.MaxSequenceLength).Ids;

    public static float Cosine(float[] a, float[] b)
    {
        float dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / MathF.Sqrt(na * nb);
    }
}
