namespace Platform.Inference.Tokenizers.Bpe;

/// <summary>
/// GPT-2's reversible byte-to-character mapping (<c>bytes_to_unicode</c>): printable Latin-1 bytes
/// stand for themselves, the other 68 bytes are shifted to U+0100 and up, so every byte string
/// becomes a string of visible characters that the vocabulary and merges are written in.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte = ByteToChar.Select((c, b) => (c, b)).ToDictionary(p => p.c, p => (byte)p.b);

    public static char Encode(byte value) => ByteToChar[value];

    public static bool TryDecode(char symbol, out byte value) => CharToByte.TryGetValue(symbol, out value);

    private static char[] Build()
    {
        var map = new char[256];
        var assigned = new bool[256];
        foreach (var (from, to) in new[] { ('!', '~'), ('¡', '¬'), ('®', 'ÿ') })
        {
            for (var b = from; b <= to; b++)
            {
                map[b] = b;
                assigned[b] = true;
            }
        }

        var next = 0;
        for (var b = 0; b < 256; b++)
        {
            if (!assigned[b])
            {
                map[b] = (char)(256 + next++);
            }
        }

        return map;
    }
}
