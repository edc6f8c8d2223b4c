using System.Buffers.Binary;

namespace Platform.Retrieval.Storage;

/// <summary>
/// Vectors on disk: little-endian IEEE float32, 4 bytes a component, no header (the collection
/// row holds the dimension). The same bytes on every machine, so a database file moves freely.
/// </summary>
public static class VectorBlob
{
    public static byte[] Encode(ReadOnlySpan<float> vector)
    {
        var bytes = new byte[vector.Length * sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), vector[i]);
        }

        return bytes;
    }

    public static float[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length % sizeof(float) != 0)
        {
            throw new InvalidDataException($"A stored vector has {bytes.Length} bytes, not a multiple of {sizeof(float)}.");
        }

        var vector = new float[bytes.Length / sizeof(float)];
        for (var i = 0; i < vector.Length; i++)
        {
            vector[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * sizeof(float))..]);
        }

        return vector;
    }
}
