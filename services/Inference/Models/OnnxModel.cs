using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;
using Platform.Tokenizers.WordPiece;

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
    private readonly string[] _outputNames;
    private readonly string[] _inputNames;
    private readonly bool _hasTokenTypes;

    // Idle IOBindings, one per concurrent run (a binding is not thread-safe); null = plain Run.
    private readonly ConcurrentBag<OrtIoBinding>? _binding;

    // One RunOptions for every run: it is only read by Run, which ONNX Runtime allows concurrently.
    private readonly RunOptions _runOptions = new();

    public OnnxModel(ModelDescriptor descriptor, InferenceSession session, WordPieceTokenizer tokenizer, string provider, bool ioBinding = false)
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
        _inputNames = _hasTokenTypes ? ["input_ids", "attention_mask", "token_type_ids"] : ["input_ids", "attention_mask"];
        _outputNames = [session.OutputMetadata.Keys.First()];
        _binding = ioBinding ? new ConcurrentBag<OrtIoBinding>() : null;
    }

    public ModelDescriptor Descriptor { get; }

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary><c>cpu</c> or <c>cuda</c>.</summary>
    public string Provider { get; }

    /// <summary>Whether runs go through an <see cref="OrtIoBinding"/> (Inference:Session:IoBinding).</summary>
    public bool UsesIoBinding => _binding is not null;

    public int MaxSequenceLength => Descriptor.MaxSequenceLength ?? ModelManifestValidator.DefaultMaxSequenceLength;

    public float[][] Run(IReadOnlyList<int[]> sequences)
    {
        ArgumentOutOfRangeException.ThrowIfZero(sequences.Count);
        var batch = sequences.Count;
        var length = 0;
        for (var row = 0; row < batch; row++)
        {
            length = Math.Max(length, sequences[row].Length);
        }

        // Input buffers come from the pool (rented arrays are longer and dirty: every cell is written).
        var size = batch * length;
        var ids = ArrayPool<long>.Shared.Rent(size);
        var mask = ArrayPool<long>.Shared.Rent(size);
        var types = _hasTokenTypes ? ArrayPool<long>.Shared.Rent(size) : null;
        try
        {
            for (var row = 0; row < batch; row++)
            {
                var sequence = sequences[row];
                var offset = row * length;
                for (var i = 0; i < sequence.Length; i++)
                {
                    ids[offset + i] = sequence[i];
                }

                ids.AsSpan(offset + sequence.Length, length - sequence.Length).Fill(Tokenizer.PadId);
                mask.AsSpan(offset, sequence.Length).Fill(1);
                mask.AsSpan(offset + sequence.Length, length - sequence.Length).Clear();
            }

            types?.AsSpan(0, size).Clear();
            long[] shape = [batch, length];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, ids.AsMemory(0, size), shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, mask.AsMemory(0, size), shape);
            using var typesValue = types is null ? null : OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, types.AsMemory(0, size), shape);
            OrtValue[] values = typesValue is null ? [idsValue, maskValue] : [idsValue, maskValue, typesValue];
            return _binding is null
                ? RunSession(values, batch, length, mask)
                : RunBound(values, batch, length, mask);
        }
        finally
        {
            ArrayPool<long>.Shared.Return(ids);
            ArrayPool<long>.Shared.Return(mask);
            if (types is not null)
            {
                ArrayPool<long>.Shared.Return(types);
            }
        }
    }

    private float[][] RunSession(OrtValue[] values, int batch, int length, long[] mask)
    {
        using var outputs = _session.Run(_runOptions, _inputNames, values, _outputNames);
        return Read(outputs[0], batch, length, mask);
    }

    /// <summary>
    /// The same run through an IOBinding: inputs bound as they are (CPU tensors; on CUDA, ONNX Runtime
    /// copies them to the device once, before the graph runs) and the output bound to CPU memory, so
    /// on CUDA the result is copied from the device straight into the tensor read here, with no
    /// device-side output value to fetch afterwards. On the CPU provider it gives the same rows as Run.
    /// </summary>
    private float[][] RunBound(OrtValue[] values, int batch, int length, long[] mask)
    {
        var binding = _binding!.TryTake(out var idle) ? idle : _session.CreateIoBinding();
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                binding.BindInput(_inputNames[i], values[i]);
            }

            binding.BindOutputToDevice(_outputNames[0], OrtMemoryInfo.DefaultInstance);
            binding.SynchronizeBoundInputs();
            using var outputs = _session.RunWithBoundResults(_runOptions, binding);
            return Read(outputs[0], batch, length, mask);
        }
        finally
        {
            // The inputs are pooled arrays: the binding must not keep them past this run.
            binding.ClearBoundInputs();
            binding.ClearBoundOutputs();
            _binding.Add(binding);
        }
    }

    private float[][] Read(OrtValue output, int batch, int length, long[] mask)
    {
        var outputShape = output.GetTensorTypeAndShape().Shape;
        var data = output.GetTensorDataAsSpan<float>();
        return outputShape.Length switch
        {
            2 => Rows(data, batch, (int)outputShape[1]),
            3 => Pool(data, batch, length, (int)outputShape[2], mask),
            _ => throw new InvalidDataException($"The graph's output '{_outputNames[0]}' has rank {outputShape.Length}; expected 2 or 3."),
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

            var squares = 0f;
            for (var d = 0; d < width; d++)
            {
                squares += vector[d] * vector[d];
            }

            var norm = MathF.Sqrt(squares);
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

    public void Dispose()
    {
        if (_binding is not null)
        {
            while (_binding.TryTake(out var binding))
            {
                binding.Dispose();
            }
        }

        _runOptions.Dispose();
        _session.Dispose();
    }
}
