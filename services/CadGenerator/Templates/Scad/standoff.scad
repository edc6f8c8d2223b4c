// Standoff / spacer: a round tube with a through-hole for a screw, its outer edges chamfered
// so that it prints without elephant's foot and seats flat.
$fn = 64;

outer_r = outer_diameter / 2;
hole_r = hole_diameter / 2;
profile = chamfer > 0
    ? [[hole_r, 0], [outer_r - chamfer, 0], [outer_r, chamfer],
       [outer_r, height - chamfer], [outer_r - chamfer, height], [hole_r, height]]
    : [[hole_r, 0], [outer_r, 0], [outer_r, height], [hole_r, height]];

rotate_extrude()
    polygon(profile);
