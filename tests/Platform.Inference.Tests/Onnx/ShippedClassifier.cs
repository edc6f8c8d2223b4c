using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Platform.Inference.Models;
using Platform.Tokenizers.WordPiece;

namespace Platform.Inference.Tests.Onnx;

/// <summary>The shipped classifier (Debian sections), loaded from the test output's models/ folder on the real ONNX Runtime (CPU).</summary>
public static class ShippedClassifier
{
    public const string Name = "platform-debian-section";

    public static OnnxModel Load(bool ioBinding = false)
    {
        var entry = ModelManifestReader.Read(Path.Combine(AppContext.BaseDirectory, "models", Name));
        var descriptor = entry.Model ?? throw new InvalidOperationException($"{Name}: {entry.Reason}");
        var options = Options.Create(new InferenceOptions { Device = ExecutionDevice.Cpu });
        var (session, provider) = new OnnxSessionFactory(options, NullLogger<OnnxSessionFactory>.Instance).Open(descriptor);
        return new OnnxModel(descriptor, session, WordPieceTokenizer.Load(descriptor.Tokenizer!.VocabPath, lowercase: true), provider, ioBinding);
    }
}
