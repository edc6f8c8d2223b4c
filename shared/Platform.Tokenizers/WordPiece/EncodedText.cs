namespace Platform.Tokenizers.WordPiece;

/// <summary>Token ids of one text; <see cref="FullLength"/> counts them before truncation.</summary>
public sealed record EncodedText(int[] Ids, int FullLength)
{
    public bool Truncated => FullLength > Ids.Length;
}
