namespace Platform.Retrieval.Index.Hnsw;

/// <summary>The graph's body in an index file (see <see cref="HnswFile"/> for the envelope).</summary>
public sealed partial class HnswGraph
{
    /// <summary>Writes nodes, tombstones included, with their links, so loading needs no rebuild.</summary>
    internal void WriteTo(BinaryWriter writer)
    {
        _lock.EnterReadLock();
        try
        {
            writer.Write(Dimension);
            writer.Write(_entry);
            writer.Write(_deleted);
            writer.Write(_nodes.Count);
            foreach (var node in _nodes)
            {
                writer.Write(node.Id);
                writer.Write(node.Deleted);
                writer.Write(node.Level);
                WriteNullable(writer, node.Text);
                WriteNullable(writer, node.DocumentId);
                writer.Write(node.Tags.Length);
                foreach (var tag in node.Tags)
                {
                    writer.Write(tag);
                }

                foreach (var component in node.Vector)
                {
                    writer.Write(component);
                }

                foreach (var links in node.Links)
                {
                    writer.Write(links.Count);
                    foreach (var link in links)
                    {
                        writer.Write(link);
                    }
                }
            }
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Reads a body written by <see cref="WriteTo"/>; every link is range-checked.</summary>
    internal static HnswGraph ReadFrom(BinaryReader reader, HnswOptions options)
    {
        var dimension = reader.ReadInt32();
        var graph = new HnswGraph(dimension, options);
        var entry = reader.ReadInt32();
        var deleted = reader.ReadInt32();
        var count = reader.ReadInt32();
        if (count < 0 || entry < -1 || entry >= count || deleted < 0 || deleted > count)
        {
            throw new InvalidDataException("The index header is inconsistent.");
        }

        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadString();
            var isDeleted = reader.ReadBoolean();
            var level = reader.ReadInt32();
            if (level is < 0 or > 64)
            {
                throw new InvalidDataException($"Node {i} has level {level}.");
            }

            var text = ReadNullable(reader);
            var documentId = ReadNullable(reader);
            var tags = new string[reader.ReadInt32()];
            for (var t = 0; t < tags.Length; t++)
            {
                tags[t] = reader.ReadString();
            }

            var vector = new float[dimension];
            for (var c = 0; c < dimension; c++)
            {
                vector[c] = reader.ReadSingle();
            }

            var node = new HnswNode(id, vector, level) { Text = text, DocumentId = documentId, Tags = tags, Deleted = isDeleted };
            foreach (var links in node.Links)
            {
                var linkCount = reader.ReadInt32();
                for (var l = 0; l < linkCount; l++)
                {
                    var link = reader.ReadInt32();
                    if (link < 0 || link >= count)
                    {
                        throw new InvalidDataException($"Node {i} links to node {link} of {count}.");
                    }

                    links.Add(link);
                }
            }

            graph._nodes.Add(node);
            if (!isDeleted)
            {
                graph._live[id] = i;
                graph.Post(i);
            }
        }

        graph._entry = entry;
        graph._deleted = deleted;
        return graph;
    }

    private static void WriteNullable(BinaryWriter writer, string? value)
    {
        writer.Write(value is not null);
        if (value is not null)
        {
            writer.Write(value);
        }
    }

    private static string? ReadNullable(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;
}
