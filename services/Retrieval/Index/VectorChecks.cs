using System.Numerics.Tensors;

namespace Platform.Retrieval.Index;

/// <summary>Why a vector cannot be stored or searched with, or null when it can.</summary>
public static class VectorChecks
{
    public static string? Problem(float[]? vector)
    {
        if (vector is null || vector.Length == 0)
        {
            return "is required and must have at least 1 component";
        }

        if (vector.Length > VectorLimits.MaxDimension)
        {
            return $"must have at most {VectorLimits.MaxDimension} components";
        }

        for (var i = 0; i < vector.Length; i++)
        {
            if (!float.IsFinite(vector[i]))
            {
                return $"component {i} is not a finite number";
            }
        }

        // Cosine similarity is undefined for a zero vector; it would score NaN against everything.
        if (TensorPrimitives.Norm(vector) == 0f)
        {
            return "must not be all zeros";
        }

        return null;
    }
}
