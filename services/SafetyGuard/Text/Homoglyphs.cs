using System.Collections.Frozen;

namespace Platform.SafetyGuard.Text;

/// <summary>
/// Cyrillic, Greek and a few Latin letters that render like ASCII letters (Unicode's confusables
/// for the Latin alphabet), folded to the ASCII letter they imitate so "іgnоrе" (Cyrillic і, о, е)
/// reads as "ignore" to the detectors and classifiers. NFKC leaves these alone: they are distinct
/// letters, not compatibility forms. Genuine Greek or Cyrillic text is folded too; the detectors only
/// read the folded text, and findings still point at the original characters.
/// </summary>
public static class Homoglyphs
{
    private static readonly FrozenDictionary<char, char> Map = new Dictionary<char, char>
    {
        // Cyrillic lower case
        ['\u0430'] = 'a', ['\u0435'] = 'e', ['\u043E'] = 'o', ['\u0440'] = 'p', ['\u0441'] = 'c',
        ['\u0443'] = 'y', ['\u0445'] = 'x', ['\u0456'] = 'i', ['\u0458'] = 'j', ['\u0455'] = 's',
        ['\u0501'] = 'd', ['\u04BB'] = 'h', ['\u051B'] = 'q', ['\u051D'] = 'w', ['\u04CF'] = 'l',
        ['\u0432'] = 'b', ['\u043A'] = 'k', ['\u043C'] = 'm', ['\u043D'] = 'h', ['\u0442'] = 't',
        ['\u0457'] = 'i', ['\u0491'] = 'r',
        // Cyrillic upper case
        ['\u0410'] = 'A', ['\u0412'] = 'B', ['\u0415'] = 'E', ['\u041A'] = 'K', ['\u041C'] = 'M',
        ['\u041D'] = 'H', ['\u041E'] = 'O', ['\u0420'] = 'P', ['\u0421'] = 'C', ['\u0422'] = 'T',
        ['\u0425'] = 'X', ['\u0423'] = 'Y', ['\u0406'] = 'I', ['\u0408'] = 'J', ['\u0405'] = 'S',
        ['\u051A'] = 'Q', ['\u051C'] = 'W', ['\u04C0'] = 'I',
        // Greek upper case
        ['\u0391'] = 'A', ['\u0392'] = 'B', ['\u0395'] = 'E', ['\u0396'] = 'Z', ['\u0397'] = 'H',
        ['\u0399'] = 'I', ['\u039A'] = 'K', ['\u039C'] = 'M', ['\u039D'] = 'N', ['\u039F'] = 'O',
        ['\u03A1'] = 'P', ['\u03A4'] = 'T', ['\u03A5'] = 'Y', ['\u03A7'] = 'X',
        // Greek lower case
        ['\u03B1'] = 'a', ['\u03BF'] = 'o', ['\u03C1'] = 'p', ['\u03BD'] = 'v', ['\u03B9'] = 'i',
        ['\u03BA'] = 'k', ['\u03C5'] = 'u', ['\u03C7'] = 'x', ['\u03B5'] = 'e', ['\u03C4'] = 't',
        // Latin look-alikes outside ASCII that NFKC keeps
        ['\u0131'] = 'i', ['\u0261'] = 'g', ['\u01C0'] = 'l', ['\u0251'] = 'a', ['\u1D00'] = 'A',
        ['\u0299'] = 'B', ['\u1D04'] = 'C', ['\u1D05'] = 'D', ['\u1D07'] = 'E', ['\u0262'] = 'G',
        ['\u029C'] = 'H', ['\u026A'] = 'I', ['\u1D0A'] = 'J', ['\u1D0B'] = 'K', ['\u029F'] = 'L',
        ['\u1D0D'] = 'M', ['\u0274'] = 'N', ['\u1D0F'] = 'O', ['\u1D18'] = 'P', ['\u0280'] = 'R',
        ['\uA731'] = 'S', ['\u1D1B'] = 'T', ['\u1D1C'] = 'U', ['\u1D20'] = 'V', ['\u1D21'] = 'W',
        ['\u028F'] = 'Y', ['\u1D22'] = 'Z',
    }.ToFrozenDictionary();

    public static bool TryFold(char c, out char folded) => Map.TryGetValue(c, out folded);
}
