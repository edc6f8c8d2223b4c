using System.Text.Json.Nodes;

namespace Platform.Evaluations.Safety;

/// <summary>Item-level counts for one detector: true/false positives and negatives, with the ids of the mistakes.</summary>
public sealed class Confusion(string detector)
{
    public string Detector { get; } = detector;

    public int TruePositives { get; private set; }

    public int FalsePositives { get; private set; }

    public int FalseNegatives { get; private set; }

    public int TrueNegatives { get; private set; }

    public List<string> Misses { get; } = [];

    public List<string> FalseAlarms { get; } = [];

    public void Add(string id, bool actual, bool predicted)
    {
        switch (actual, predicted)
        {
            case (true, true):
                TruePositives++;
                break;
            case (false, true):
                FalsePositives++;
                FalseAlarms.Add(id);
                break;
            case (true, false):
                FalseNegatives++;
                Misses.Add(id);
                break;
            default:
                TrueNegatives++;
                break;
        }
    }

    public int Positives => TruePositives + FalseNegatives;

    public double Precision => TruePositives + FalsePositives == 0 ? 0 : (double)TruePositives / (TruePositives + FalsePositives);

    public double Recall => Positives == 0 ? 0 : (double)TruePositives / Positives;

    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);

    public JsonObject ToJson() => new()
    {
        ["positives"] = Positives,
        ["tp"] = TruePositives,
        ["fp"] = FalsePositives,
        ["fn"] = FalseNegatives,
        ["tn"] = TrueNegatives,
        ["precision"] = Math.Round(Precision, 4),
        ["recall"] = Math.Round(Recall, 4),
        ["f1"] = Math.Round(F1, 4),
    };
}
