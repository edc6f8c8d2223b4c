using Microsoft.ML.OnnxRuntime;
using Platform.Inference.Tokenizers.WordPiece;

namespace Platform.Inference.Models;

/// <summary>
/// One loaded ONNX model: its session, tokenizer and the provider it runs on. <see cref="Run"/>
/// pads a batch to its longest sequence and returns one row per sequence: the sentence vector of
/// an embedding model (pooled here when the graph returns token vectors) or a classifier's logits.
/// Thread-safe: ONNX Runtime allows concurrent Run calls on one session.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string _outputName;
    private readonly bool _hasTokenTypes;

    public OnnxModel(ModelDescriptor descriptor, InferenceSession session, WordPieceTokenizer tokenizer, string provider)
    {
        Descriptor = descriptor;
        _session = session;
        Tokenizer = tokenizer;
        Provider = provider;
        foreach (var required in new[] { "input_ids", "attention_mask" })
        {
            if (!session.InputMetadata.ContainsKey(required))
            {
                throw new InvalidDataException($"The graph has no '{required}' input (it has: {string.Join(", ", session.InputMetadata.Keys)}).");
            }
        }

        _hasTokenTypes = session.InputMetadata.ContainsKey("token_type_ids");
        _outputName = session.OutputMetadata.Keys.First();
    }

    public ModelDescriptor Descriptor { get; }

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Provider { get; }

    public int MaxSequenceLength => Descriptor.MaxSequenceLength ?? ModelManifestValidator.DefaultMaxSequenceLength;

    public float[][] Run(IReadOnlyList<int[]> sequences)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sequences.Count);
        var batch = sequences.Count;
        var length = sequences.Max(s => s.Length);
        var ids = new long[batch * length];
        var mask = new long[batch * length];
        for (var row = 0; row < batch; row++)
        {
            var sequence = sequences[row];
            var offset = row * length;
            for (var i = 0; i < sequence.Length; i++)
            {
                ids[offset + i] = sequence[i];
                mask[offset + i] = 1;
            }

            if (Tokenizer.PadId != 0)
            {
                Array.Fill(ids, Tokenizer.PadId, offset + sequence.Length, length - sequence.Length);
            }
        }

        long[] shape = [batch, length];
        using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typesValue = _hasTokenTypes ? OrtValue.CreateTensorValueFromMemory(new long[batch * length], shape) : null;
        var names = _hasTokenTypes ? new[] { "input_ids", "attention_mask", "token_type_ids" } : ["input_ids", "attention_mask"];
        var values = _hasTokenTypes ? new[] { idsValue, maskValue, typesValue! } : [idsValue, maskValue];
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, names, values, [_outputName]);
        var output = outputs[0];
        var outputShape = output.GetTensorTypeAndShape().Shape;
        var data = output.GetTensorDataAsSpan<float>();
        return outputShape.Length switch
        {
            2 => Rows(data, batch, (int)outputShape[1]),
            3 => Pool(data, batch, length, (int)outputShape[2], mask),
            _ => throw new InvalidDataException($"The graph's output '{_outputName}' has rank {outputShape.Length}; expected 2 or 3."),
        };
    }

    private static float[][] Rows(ReadOnlySpan<float> data, int batch, int width)
    {
        var rows = new float[batch][];
        for (var row = 0; row < batch; row++)
        {
            rows[row] = data.Slice(row * width, width).ToArray();
        }

        return rows;
    }

    /// <summary>For graphs that return token vectors [batch, sequence, dim]: the manifest's pooling over real tokens, then L2 norm.</summary>
    private float[][] Pool(ReadOnlySpan<float> data, int batch, int length, int width, long[] mask)
    {
        var rows = new float[batch][];
        for (var row = 0; row < batch; row++)
        {
            var vector = new float[width];
            var count = 0;
            for (var t = 0; t < length; t++)
            {
                if (mask[(row * length) + t] == 0 || (Descriptor.Pooling == "cls" && t > 0))
                {
                    continue;
                }

                var token = data.Slice(((row * length) + t) * width, width);
                for (var d = 0; d < width; d++)
                {
                    vector[d] = Descriptor.Pooling == "max" && count > 0 ? Math.Max(vector[d], token[d]) : (Descriptor.Pooling == "max" ? token[d] : vector[d] + token[d]);
                }

                count++;
            }

            if (Descriptor.Pooling is null or "mean" && count > 0)
            {
                for (var d = 0; d < width; d++)
                {
                    vector[d] /= count;
                }
            }

            var norm = MathF.Sqrt(vector.Sum(v => v * v));
            if (norm > 0)
            {
                for (var d = 0; d < width; d++)
                {
                    vector[d] /= norm;
                }
            }

            rows[row] = vector;
        }

        return rows;
    }

    public void Dispose() => _session.Dispose();
}
