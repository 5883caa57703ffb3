/*
 * Editor helpers shared by every Navien node panel: the Account and Device rows and the MAC
 * check, written once. Node-RED serves this file from the package's resources/ folder and
 * each node set's HTML loads it with <script src="resources/node-red-contrib-navien/...">.
 * Node-RED (3.1 and 4) appends a set's own scripts only after such a script has loaded, so
 * RED.navien exists before any registerType, whichever order the sets arrive in (palette
 * installs load them in parallel). Loading it again just redefines the same helpers.
 */
/* global RED, $, document */
(function () {
  'use strict';

  var CATALOG = 'node-red-contrib-navien/navien-account:navien-account.editor.';
  var MAC = /^([0-9a-fA-F]{2}[:-]?){5}[0-9a-fA-F]{2}$/;

  function text(key, values) {
    return RED._(CATALOG + key, values);
  }

  function normalMac(value) {
    return String(value || '')
      .replace(/[^0-9a-f]/gi, '')
      .toLowerCase();
  }

  /** The ids of the deployed or draft navien-account config nodes. */
  function accountIds() {
    var ids = [];
    RED.nodes.eachConfig(function (config) {
      if (config.type === 'navien-account') ids.push(config.id);
    });
    return ids;
  }

  /** The only account, when exactly one exists (else undefined). */
  function onlyAccount() {
    var ids = accountIds();
    return ids.length === 1 ? ids[0] : undefined;
  }

  /** Builds the Device row around the template's #node-input-device (the saved field). */
  function buildDeviceRow(node) {
    var input = $('#node-input-device');
    var row = input.closest('.form-row');
    row.addClass('navien-device-row');
    $('<label for="node-input-device"><i class="fa fa-thermometer-half"></i> </label>')
      .append($('<span>').text(text('device')))
      .prependTo(row);
    input
      .attr('autocomplete', 'off')
      .attr('list', 'node-input-device-list')
      .attr('placeholder', node._(node.type + '.placeholder.device'))
      .css('width', 'calc(70% - 78px)');
    var pick = $(
      '<button type="button" id="node-input-device-pick" class="red-ui-button"><i class="fa fa-caret-down"></i></button>',
    )
      .attr('title', text('pick'))
      .insertAfter(input);
    var refresh = $(
      '<button type="button" id="node-input-device-refresh" class="red-ui-button"><i class="fa fa-refresh"></i></button>',
    )
      .attr('title', text('refresh'))
      .insertAfter(pick);
    $('<datalist id="node-input-device-list"></datalist>').insertAfter(refresh);
    // The chosen heater's name, under the field (the labels column is 100px wide).
    $('<div id="node-input-device-name" style="margin: 4px 0 0 104px"></div>').appendTo(row);
    $('<div class="form-tips" id="node-input-device-hint" style="margin-top: 4px"></div>')
      .hide()
      .appendTo(row);
    return { input: input, pick: pick, refresh: refresh };
  }

  // Help text: core styles every <code> as nowrap and clips the sidebar, so a long property
  // path or JSON example is cut off. Our help marks its first paragraph with .navien-help;
  // only help panels holding that marker get wrapping code and scrolling blocks.
  var HELP = '.red-ui-help:has(.navien-help) ';
  var HELP_CSS = [
    HELP + 'code { white-space: normal; overflow-wrap: anywhere; }',
    HELP + 'pre { white-space: pre; overflow-x: auto; max-width: 100%; }',
    HELP + 'pre code { white-space: pre; overflow-wrap: normal; }',
    HELP + 'dl.message-properties > dt { white-space: normal; }',
    HELP + 'table { display: block; max-width: 100%; overflow-x: auto; }',
  ].join('\n');
  if (!document.getElementById('navien-editor-style')) {
    $('<style id="navien-editor-style"></style>').text(HELP_CSS).appendTo('head');
  }

  RED.navien = {
    /** Validator for a `device` default: empty (any device / msg.device) or 12 hex digits. */
    validateDevice: function (value) {
      return !value || MAC.test(String(value).trim()) || text('badDevice');
    },

    /** The account to give a node dropped from the palette: the only one, if just one. */
    onlyAccount: onlyAccount,

    /** onadd hook: a new node gets the only account instead of "none". */
    adopt: function (node) {
      if (!node.account) {
        var id = onlyAccount();
        if (id) node.account = id;
      }
    },

    /** oneditprepare for every Navien node: the Account row, and the Device row if present. */
    prepare: function (node) {
      var account = $('#node-input-account');
      if (!node.account) {
        var id = onlyAccount();
        if (id && account.find('option[value="' + id + '"]').length) account.val(id);
      }
      if ($('#node-input-device').length) RED.navien.prepareDeviceField(node);
      // Flows made outside the editor may lack a select's property: show the default choice.
      $('#dialog-form select[id^="node-input-"]').each(function () {
        if (!$(this).val()) $(this).prop('selectedIndex', 0);
      });
    },

    /** The Device row: a MAC field with the account's heaters by name in a dropdown. */
    prepareDeviceField: function (node) {
      var row = buildDeviceRow(node);
      var input = row.input;
      var list = $('#node-input-device-list');
      var nameLine = $('#node-input-device-name');
      var hint = $('#node-input-device-hint');
      var devices = [];
      var latest = 0;
      var loadedFor = null;

      var say = function (message) {
        hint.text(message).toggle(!!message);
      };

      var showName = function () {
        var mac = normalMac(input.val());
        var match = devices.filter(function (d) {
          return normalMac(d.macAddress) === mac;
        })[0];
        nameLine.empty();
        if (!match) return;
        $('<i class="fa fa-check"></i>').appendTo(nameLine);
        nameLine.append(document.createTextNode(' '));
        $('<strong>').text(match.deviceName).appendTo(nameLine);
        if (!match.connected) nameLine.append(document.createTextNode(' ' + text('offline')));
      };

      var load = function (fresh) {
        var accountId = $('#node-input-account').val();
        // The dialog fires several change events while it opens: ask once per account, and
        // let only the newest answer fill the list.
        if (!fresh && accountId === loadedFor) return;
        loadedFor = accountId;
        var request = ++latest;
        devices = [];
        list.empty();
        say('');
        showName();
        if (!accountId || accountId === '_ADD_') return;
        $.getJSON(
          'navien/accounts/' +
            encodeURIComponent(accountId) +
            '/devices' +
            (fresh ? '?fresh=true' : ''),
        )
          .done(function (answer) {
            if (request !== latest) return;
            devices = answer;
            list.empty();
            devices.forEach(function (d) {
              $('<option>')
                .attr('value', d.macAddress)
                .text(d.deviceName + (d.connected ? '' : ' ' + text('offline')))
                .appendTo(list);
            });
            say(
              devices.length === 1
                ? text('oneDeviceFound')
                : text('devicesFound', { count: devices.length }),
            );
            showName();
          })
          .fail(function (xhr) {
            if (request !== latest) return;
            say(
              xhr.status === 404
                ? text('deployFirst')
                : (xhr.responseJSON && xhr.responseJSON.message) || xhr.statusText,
            );
          });
      };

      row.pick.on('click', function (e) {
        e.preventDefault();
        var items = devices.map(function (d) {
          var label = $('<span>');
          $('<strong>').text(d.deviceName).appendTo(label);
          label.append(
            document.createTextNode(
              ' ' + d.macAddress + (d.connected ? '' : ' ' + text('offline')),
            ),
          );
          return { label: label, value: d.macAddress };
        });
        items.push({
          label: $('<em>').text(node._(node.type + '.placeholder.device')),
          value: '',
        });
        RED.popover
          .menu({
            options: items,
            class: 'navien-device-menu',
            onselect: function (item) {
              input.val(item.value).trigger('change');
            },
          })
          .show({ target: row.pick, align: 'right' });
      });
      row.refresh.on('click', function (e) {
        e.preventDefault();
        load(true);
      });
      input.on('change keyup input', showName);
      $('#node-input-account').on('change', function () {
        load(false);
      });
      load(false);
    },
  };
})();
