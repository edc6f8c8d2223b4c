// Involute spur gear: every tooth is a wedge from the centre bounded by the two involutes of the
// base circle (radial below it), cut at the tip circle; the wedges and the root circle are united
// in 2D, the bore removed, then extruded. Standard proportions: addendum = module,
// dedendum = 1.25 * module. OpenSCAD's trigonometry is in degrees.
$fn = 64;

pitch_r = gear_module * teeth / 2;
base_r = pitch_r * cos(pressure_angle);
tip_r = pitch_r + gear_module;
root_r = pitch_r - 1.25 * gear_module;
flank_start = max(base_r, root_r);
steps = 8;

function involute(a) = tan(a) - a * PI / 180;
// Half the tooth's angular thickness at radius r, in degrees.
function half_angle(r) = (PI / (2 * teeth) + involute(pressure_angle) - involute(acos(min(1, base_r / r)))) * 180 / PI;
function polar(r, a) = [r * cos(a), r * sin(a)];

flank = [for (i = [0 : steps]) flank_start + (tip_r - flank_start) * i / steps];
tooth = concat(
    [[0, 0]],
    [for (r = flank) polar(r, -half_angle(r))],
    [polar(tip_r, 0)],
    [for (i = [steps : -1 : 0]) polar(flank[i], half_angle(flank[i]))]);

linear_extrude(height = thickness)
    difference() {
        union() {
            circle(r = root_r);
            for (i = [0 : teeth - 1])
                rotate(i * 360 / teeth)
                    polygon(tooth);
        }
        if (bore_diameter > 0)
            circle(d = bore_diameter);
    }
