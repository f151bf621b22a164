// Turn a click on a server-drawn SVG map (moduai.web.svgmap) back into WGS84 lon/lat.
// Usage: <div class="map" data-click-target="form-id"> … the form gets lat/lon inputs filled and submitted.
(function () {
  function toLonLat(svg, evt) {
    var pt = svg.createSVGPoint(); pt.x = evt.clientX; pt.y = evt.clientY;
    var p = pt.matrixTransform(svg.getScreenCTM().inverse());
    var d = svg.dataset, pad = +d.pad, scale = +d.scale;
    return { lon: +d.lon0 + (p.x - pad) / (+d.coslat * scale), lat: +d.lattop - (p.y - pad) / scale };
  }
  document.querySelectorAll('.map[data-click-target]').forEach(function (box) {
    var svg = box.querySelector('svg'); if (!svg) return;
    svg.style.cursor = 'crosshair';
    svg.addEventListener('click', function (evt) {
      if (evt.target.closest('a')) evt.preventDefault();
      var ll = toLonLat(svg, evt), form = document.getElementById(box.dataset.clickTarget);
      form.querySelector('[name=lat]').value = ll.lat.toFixed(6);
      form.querySelector('[name=lon]').value = ll.lon.toFixed(6);
      if (box.dataset.autosubmit !== 'false') form.submit();
    });
  });
})();
