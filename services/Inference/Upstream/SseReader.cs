using System.Text;

namespace Platform.Inference.Upstream;

/// <summary>
/// Reads server-sent events one at a time: the lines up to a blank line. <see cref="SseEvent.Raw"/>
/// keeps them as sent, so the event is relayed unchanged; <see cref="SseEvent.Data"/> joins its
/// <c>data:</c> lines.
/// </summary>
public sealed class SseReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, bufferSize: 4096);

    /// <summary>The next event, or null at the end of the stream.</summary>
    public async Task<SseEvent?> ReadAsync(CancellationToken cancellationToken)
    {
        var raw = new StringBuilder();
        StringBuilder? data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (raw.Length == 0)
                {
                    continue;
                }

                return new SseEvent(raw.ToString(), data?.ToString());
            }

            if (raw.Length > 0)
            {
                raw.Append('\n');
            }

            raw.Append(line);
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                var value = line.AsSpan(5);
                value = value.StartsWith(" ") ? value[1..] : value;
                if (data is null)
                {
                    data = new StringBuilder();
                }
                else
                {
                    data.Append('\n');
                }

                data.Append(value);
            }
        }

        return raw.Length > 0 ? new SseEvent(raw.ToString(), data?.ToString()) : null;
    }

    public void Dispose() => _reader.Dispose();
}

/// <summary>One server-sent event: its lines as received, and its data (null for a comment or a data-less event).</summary>
public sealed record SseEvent(string Raw, string? Data)
{
    public const string Done = "[DONE]";

    public bool IsDone => Data == Done;
}
