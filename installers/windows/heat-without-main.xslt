<?xml version="1.0" encoding="utf-8"?>
<!--
  For the WiX Toolset's heat (the Windows build agent): drops the main program, rpr.exe at the
  top of the harvested one-folder build, from the "Bundle" fragment, because rpr.wxs authors it
  itself (File Id="RprExe", with the Start menu shortcut). wixl-heat gets the same list less
  that file from installers/windows/build-msi.sh.
    heat dir dist\rpr -cg Bundle -dr INSTALLFOLDER -srd -var var.BundleDir -ag
         -t installers\windows\heat-without-main.xslt -out bundle.wxs
-->
<xsl:stylesheet version="1.0"
                xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:wix="http://schemas.microsoft.com/wix/2006/wi"
                xmlns="http://schemas.microsoft.com/wix/2006/wi"
                exclude-result-prefixes="wix">
  <xsl:output method="xml" indent="yes" encoding="utf-8"/>

  <xsl:key name="main" use="@Id"
           match="wix:Component[wix:File[@Source = '$(var.BundleDir)\rpr.exe']]"/>

  <xsl:template match="@*|node()">
    <xsl:copy>
      <xsl:apply-templates select="@*|node()"/>
    </xsl:copy>
  </xsl:template>

  <xsl:template match="wix:Component[key('main', @Id)]"/>
  <xsl:template match="wix:ComponentRef[key('main', @Id)]"/>
</xsl:stylesheet>
