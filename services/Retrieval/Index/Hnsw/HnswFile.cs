using System.Security.Cryptography;
using System.Text;

namespace Platform.Retrieval.Index.Hnsw;

/// <summary>
/// One collection's graph on disk: magic <c>PLHNSW</c>, format version, the database fingerprint
/// the graph was saved against, the graph body, then a SHA-256 of everything before it. Written
/// to a temporary file, flushed, then renamed over the old one, so a crash leaves either the old
/// file or the new one, never half of one. A file that fails any check is ignored and the graph is
/// rebuilt from the database, which remains the source of truth.
/// </summary>
public static class HnswFile
{
    public const int FormatVersion = 1;
    private static readonly byte[] Magic = "PLHNSW"u8.ToArray();

    public static void Save(string path, HnswGraph graph, CollectionFingerprint fingerprint)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                // Buffered above the hash so it sees 64 KiB blocks, not one call per float.
                using (var buffered = new BufferedStream(new HashingStream(file, hash), 1 << 16))
                using (var writer = new BinaryWriter(buffered, Encoding.UTF8, leaveOpen: true))
                {
                    writer.Write(Magic);
                    writer.Write(FormatVersion);
                    writer.Write(fingerprint.Count);
                    writer.Write(fingerprint.LastUpdated);
                    writer.Write(fingerprint.UpdatedSum);
                    graph.WriteTo(writer);
                    writer.Flush();
                }

                file.Write(hash.GetHashAndReset());
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>The graph and the fingerprint it was saved against; throws InvalidDataException on any damage.</summary>
    public static (HnswGraph Graph, CollectionFingerprint Fingerprint) Load(string path, HnswOptions options)
    {
        var bytes = File.ReadAllBytes(path);
        const int HashLength = 32;
        if (bytes.Length < Magic.Length + HashLength)
        {
            throw new InvalidDataException("The index file is truncated.");
        }

        var body = bytes.AsSpan(0, bytes.Length - HashLength);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(bytes.AsSpan(bytes.Length - HashLength)))
        {
            throw new InvalidDataException("The index file's checksum does not match.");
        }

        using var reader = new BinaryReader(new MemoryStream(bytes, 0, body.Length), Encoding.UTF8);
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new InvalidDataException("Not an index file.");
        }

        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Index file format {version}, this build reads {FormatVersion}.");
        }

        var fingerprint = new CollectionFingerprint(reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64());
        try
        {
            return (HnswGraph.ReadFrom(reader, options), fingerprint);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The index file ends early.", e);
        }
    }

    /// <summary>A write-only stream that hashes what passes through it.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
